//! The README's complete example of the attribute, which must compile (`tests/readme.rs`
//! checks that the README shows these attributes as they are here).

use pact_runtime::prelude::*;

// README: begin
#[pact_interaction(
    provider = "Orders", spec = "V4",
    description = "a request to create an order",
    given("a customer exists", id = 7, tags = ["vip"]),
    request(
        POST, regex(r"/customers/\d+/orders", "/customers/7/orders"),
        query = { "notify": ["email", "sms"] },
        headers = { "Authorization": regex(r"Bearer \w+", "Bearer abc123") },
        json = {
            "items": each_like({ "sku": regex(r"[A-Z]{3}-\d{4}", "ABC-1234"), "quantity": integer(2) }, min = 1, max = 50),
            "note": like("leave at the door"),
        },
    ),
    response(
        status_code(Success, 201),
        headers = { "Location": mock_server_url(r".*(/orders/\d+)$", "http://localhost:8080/orders/42") },
        json = {
            "id": random_int(1, 100000),
            "reference": uuid(),
            "customer": from_provider_state("${id}", 7),
            "state": regex(r"(pending|paid)", "pending"),
            "total": decimal(19.99), "paid": boolean(false), "discount": null,
            "email": all_of([regex(r"[^@]+@[^@]+", "ann@example.com"), include("@example.")]),
            "created": datetime("yyyy-MM-dd'T'HH:mm:ss", "2026-11-25T10:00:00"),
            "deliver_by": generated_date("yyyy-MM-dd", "2026-11-27", expression = "today + 2 days"),
            "token": random_hexadecimal(16),
            "links": each_value({ "self": "/orders/42" }, regex(r"/orders/\d+", "/orders/42")),
        },
    ),
    key = "create-order", comment = "the checkout page",
)]
#[pact_interaction(description = "a request for an unknown order", given = "no orders",
    request(GET, "/orders/999", headers = { "Accept": "application/json" }), response(404))]
// README: end
async fn creates_an_order(mock: &MockServer) -> Result<(), String> {
    let _ = mock.url();
    Ok(())
}

fn main() {}
