// The product service without its handler for "build 3455 exists": the pact needs that
// state, so the generated trait requires the method and the build fails naming it.
use product_service_provider::states::ProviderStateHandlers;

struct ProductStates;

impl ProviderStateHandlers for ProductStates {}

fn main() {}
