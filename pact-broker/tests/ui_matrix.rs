//! The dashboard's matrix and environments pages over a real server, on SQLite and (when
//! configured) PostgreSQL: a can-i-deploy selection with its rows, states, answer and
//! reason; one pair's rows; the form's blank rows and the default view; a bad query's 400
//! page; the API's JSON unchanged for HAL clients; and the environments page with what is
//! deployed and the can-i-deploy cell of a deployable, a non-deployable and an unknown
//! version, and its pages of pacticipants.

mod seed;
mod support;

use pact_broker::BrokerConfig;
use seed::http::{publish, verify};
use serde_json::json;
use support::{backends, hal, pact, send, TestBroker};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// GETs `url` as a browser does: the status and the page.
async fn page(url: &str) -> (u16, String) {
    let resp = reqwest::Client::new()
        .get(url)
        .header("Accept", BROWSER)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(content_type, "text/html; charset=utf-8", "{url}");
    (status, resp.text().await.expect("body"))
}

/// The page's text with the entities askama writes (`&#38;`, `&#39;`, `&quot;`…) decoded,
/// for comparing with JSON text.
fn text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 8);
        let decoded = end.and_then(|e| match &rest[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `<tr>`s of the body of the table with class `class`.
fn rows(html: &str, class: &str) -> Vec<String> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .unwrap_or_else(|| panic!("no table {class}: {html}"));
    let table = &html[start..];
    let table = &table[..table.find("</table>").expect("table end")];
    let body = &table[table.find("<tbody>").expect("tbody")..];
    body.split("<tr")
        .skip(1)
        .map(|r| r[..r.find("</tr>").expect("row end")].to_string())
        .collect()
}

/// The `state-…` class and the word of each state cell in `html`, in order.
fn states(html: &str) -> Vec<(String, String)> {
    html.split("class=\"state state-")
        .skip(1)
        .map(|s| {
            let class = &s[..s.find('"').expect("class end")];
            let word = &s[s.find('>').expect("tag end") + 1..s.find('<').expect("word end")];
            (class.to_string(), word.to_string())
        })
        .collect()
}

fn answer_section(html: &str) -> &str {
    let start = html
        .find("<section class=\"answer\"")
        .unwrap_or_else(|| panic!("no answer: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").expect("section end")]
}

/// What every test here starts from: Web 1 (branch main) verified by API P1, Web 2 (branch
/// feat) failed by P1, P1 deployed to production on instance `blue`, and a `test`
/// environment with nothing in it.
async fn seeded(b: &TestBroker) -> (String, String) {
    let u = &b.url;
    let c = reqwest::Client::new();
    let sha1 = publish(u, &pact("Web", "API", &["a"]), "1", Some("main"), &[]).await;
    let sha2 = publish(u, &pact("Web", "API", &["a", "b"]), "2", Some("feat"), &[]).await;
    let ok = verify(u, "API", "Web", &sha1, "P1", true).await;
    let failed = verify(u, "API", "Web", &sha2, "P1", false).await;
    let mut production = String::new();
    for (name, is_production) in [("production", true), ("test", false)] {
        let (status, env, _) = send(
            &c,
            "POST",
            &format!("{u}/environments"),
            Some(&json!({"name": name, "displayName": format!("The {name}"), "production": is_production})),
        )
        .await;
        assert_eq!(status, 201, "{env}");
        if is_production {
            production = env["uuid"].as_str().expect("uuid").to_string();
        }
    }
    let (status, deployed, _) = send(
        &c,
        "POST",
        &format!("{u}/pacticipants/API/versions/P1/deployed-versions/environment/{production}"),
        Some(&json!({"applicationInstance": "blue"})),
    )
    .await;
    assert_eq!(status, 201, "{deployed}");
    (ok, failed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_matrix_page_answers_can_i_deploy_and_lists_the_rows() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-matrix", BrokerConfig::default()).await;
        let u = &b.url;
        let (ok, failed) = seeded(&b).await;
        let c = reqwest::Client::new();

        // The question can-i-deploy asks for Web 2 to production: no, P1 failed its pact.
        let question = "q[][pacticipant]=Web&q[][version]=2&latestby=cvpv&environment=production";
        let (status, html) = page(&format!("{u}/matrix?{question}")).await;
        assert_eq!(status, 200, "{}: {html}", backend.name());
        assert!(
            text(&html).contains("Can Web (version 2) be deployed to production?"),
            "{html}"
        );
        let (_, api, _) = send(&c, "GET", &format!("{u}/matrix?{question}"), None).await;
        assert_eq!(api["summary"]["deployable"], false, "{api}");
        let answer = answer_section(&html);
        assert_eq!(
            states(answer),
            vec![("failed".to_string(), "not deployable".to_string())]
        );
        let reason = api["summary"]["reason"].as_str().expect("reason");
        assert!(reason.contains("failed"), "{reason}");
        for line in reason.lines() {
            assert!(
                text(answer).contains(&format!("<li>{line}</li>")),
                "{line}: {answer}"
            );
        }
        assert!(
            answer.contains("0 successful, 1 failed, 0 unknown"),
            "{answer}"
        );
        let table = rows(&html, "matrix");
        assert_eq!(table.len(), 1, "{html}");
        let row = &table[0];
        assert!(
            row.contains(">Web</a>") && row.contains(">API</a>"),
            "{row}"
        );
        assert!(row.contains(">2</a>") && row.contains(">P1</a>"), "{row}");
        assert!(
            row.contains(r#"<span class="badge badge-branch" title="on branch feat (its latest version)">feat</span>"#),
            "{row}"
        );
        assert!(
            row.contains(r#"<span class="badge badge-env" title="currently deployed to production">production</span>"#),
            "{row}"
        );
        assert_eq!(
            states(row),
            vec![("failed".to_string(), "failed".to_string())]
        );
        assert!(row.contains(&format!("href=\"{failed}\"")), "{row}");
        assert!(
            row.contains(&format!(
                "href=\"{u}/pacts/provider/API/consumer/Web/version/2\""
            )),
            "{row}"
        );
        assert!(row.contains("<time datetime=\""), "{row}");
        assert!(
            row.contains("just now") || row.contains("seconds ago"),
            "{row}"
        );

        // Web 1 to production: yes.
        let question = "q[][pacticipant]=Web&q[][version]=1&latestby=cvpv&environment=production";
        let (status, html) = page(&format!("{u}/matrix?{question}")).await;
        assert_eq!(status, 200);
        let (_, api, _) = send(&c, "GET", &format!("{u}/matrix?{question}"), None).await;
        assert_eq!(api["summary"]["deployable"], true, "{api}");
        let answer = answer_section(&html);
        assert_eq!(
            states(answer),
            vec![("verified".to_string(), "deployable".to_string())]
        );
        for line in api["summary"]["reason"].as_str().expect("reason").lines() {
            assert!(text(answer).contains(&format!("<li>{line}</li>")), "{line}");
        }
        assert!(
            answer.contains("1 successful, 0 failed, 0 unknown"),
            "{answer}"
        );
        let table = rows(&html, "matrix");
        assert_eq!(table.len(), 1);
        assert!(table[0].contains(&format!("href=\"{ok}\"")), "{}", table[0]);
        assert_eq!(
            states(&table[0]),
            vec![("verified".to_string(), "verified".to_string())]
        );

        // The form as a browser submits it, with its blank row and empty options: the same
        // answer, and the form filled in with the question.
        let form = "q%5B%5D%5Bpacticipant%5D=Web&q%5B%5D%5Blatest%5D=&q%5B%5D%5Bversion%5D=1\
                    &q%5B%5D%5Bbranch%5D=&q%5B%5D%5Btag%5D=&q%5B%5D%5Benvironment%5D=\
                    &q%5B%5D%5Bpacticipant%5D=&q%5B%5D%5Blatest%5D=&q%5B%5D%5Bversion%5D=\
                    &q%5B%5D%5Bbranch%5D=&q%5B%5D%5Btag%5D=&q%5B%5D%5Benvironment%5D=\
                    &environment=production&latestby=cvpv&limit=";
        let (status, html) = page(&format!("{u}/matrix?{form}")).await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(states(answer_section(&html))[0].1, "deployable");
        assert!(
            html.contains(
                r#"<input name="q[][pacticipant]" list="matrix-pacticipants" value="Web">"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<input name="q[][version]" value="1" size="12">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<option value="production" selected>production</option>"#),
            "{html}"
        );
        assert!(html.contains(r#"<form class="filters matrix-form" method="get""#));

        // Browsing both pacticipants' versions is no question: rows, no answer.
        let (status, html) = page(&format!(
            "{u}/matrix?q[][pacticipant]=Web&q[][pacticipant]=API"
        ))
        .await;
        assert_eq!(status, 200);
        assert!(!html.contains("<section class=\"answer\""), "{html}");
        let table = rows(&html, "matrix");
        assert_eq!(table.len(), 2, "{html}");
        assert_eq!(
            [states(&table[0]), states(&table[1])].concat(),
            vec![
                ("failed".to_string(), "failed".to_string()),
                ("verified".to_string(), "verified".to_string())
            ]
        );

        // The pair's page: both of Web's pacts with API, newest first.
        let (status, html) = page(&format!("{u}/matrix/provider/API/consumer/Web")).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<h1>Web and API</h1>"), "{html}");
        let table = rows(&html, "matrix");
        assert_eq!(table.len(), 2, "{html}");
        assert!(table[0].contains(">2</a>") && table[1].contains(">1</a>"));
        assert!(table[1].contains(&format!(
            "href=\"{u}/pacts/provider/API/consumer/Web/version/1\""
        )));
        assert_eq!(states(&table[1])[0].1, "verified");
        assert_eq!(states(&table[0])[0].1, "failed");
        assert!(html.contains("aria-current=\"page\">Matrix</a>"), "{html}");
        let (status, html) = page(&format!("{u}/matrix/provider/API/consumer/Nope")).await;
        assert_eq!(status, 404);
        assert!(html.contains("Nope"), "{html}");
        // The pair path is the dashboard's alone.
        let (status, _, _) = send(
            &c,
            "GET",
            &format!("{u}/matrix/provider/API/consumer/Web"),
            None,
        )
        .await;
        assert_eq!(status, 404);

        // Without a selector: the latest pact of every integration.
        let (status, html) = page(&format!("{u}/matrix")).await;
        assert_eq!(status, 200);
        let table = rows(&html, "matrix");
        assert_eq!(table.len(), 1, "{html}");
        assert!(table[0].contains(">2</a>") && table[0].contains(">P1</a>"));
        assert_eq!(states(&table[0])[0].1, "failed");
        assert!(html.contains("1 integration."), "{html}");

        // Bad queries: a 400 page that names the parameter.
        let (status, html) = page(&format!("{u}/matrix?q[][pacticipant]=Web&limit=0")).await;
        assert_eq!(status, 400);
        assert!(
            html.contains("limit: The limit must be 1 or greater."),
            "{html}"
        );
        let (status, html) = page(&format!("{u}/matrix?limit=zero")).await;
        assert_eq!(status, 400);
        assert!(html.contains("limit: "), "{html}");
        let (status, html) = page(&format!(
            "{u}/matrix?q[][pacticipant]=Nope&q[][version]=1&environment=staging"
        ))
        .await;
        assert_eq!(status, 400);
        assert!(
            html.contains("q[][pacticipant]: Pacticipant Nope not found"),
            "{html}"
        );
        assert!(
            text(&html).contains("environment: Environment with name 'staging' does not exist"),
            "{html}"
        );

        // A HAL client still gets the API's matrix, whatever a browser gets.
        let (status, api, headers) = send(
            &c,
            "GET",
            &format!("{u}/matrix?q[][pacticipant]=Web&q[][version]=2&latestby=cvpv&environment=production"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert!(hal(&headers));
        assert_eq!(api["summary"]["failed"], 1);
        assert_eq!(api["matrix"][0]["consumer"]["version"]["number"], "2");
        assert_eq!(api["matrix"][0]["consumer"]["version"]["branch"], "feat");
        assert_eq!(api["matrix"][0]["provider"]["version"]["number"], "P1");
        assert_eq!(api["matrix"][0]["verificationResult"]["success"], false);
        assert_eq!(
            api["matrix"][0]["verificationResult"]["_links"]["self"]["href"],
            failed.as_str()
        );
        assert_eq!(
            api["matrix"][0]["provider"]["version"]["environments"],
            json!([{"name": "production", "deployed": true}])
        );
        let (status, err, _) = send(&c, "GET", &format!("{u}/matrix?limit=0"), None).await;
        assert_eq!(status, 400);
        assert!(err["errors"].is_array(), "{err}");
        b.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_page_shows_deployments_and_what_can_be_deployed() {
    for backend in backends() {
        let b = TestBroker::start(&backend, "ui-envs", BrokerConfig::default()).await;
        let u = &b.url;
        seeded(&b).await;
        seed::release(&b.database, "Web", "1", "test").await;
        let c = reqwest::Client::new();

        let (status, html) = page(&format!("{u}/environments")).await;
        assert_eq!(status, 200, "{}: {html}", backend.name());
        assert!(html.contains("aria-current=\"page\">Environments</a>"));
        assert!(
            html.contains(
                "The production <span class=\"env-kind env-production\">production</span>"
            ),
            "{html}"
        );
        assert!(
            html.contains("The test <span class=\"env-kind\">not production</span>"),
            "{html}"
        );
        let deployed = rows(&html, "deployed");
        assert_eq!(deployed.len(), 1, "{html}");
        assert!(deployed[0].contains("<td>API</td>"), "{}", deployed[0]);
        assert!(deployed[0].contains(">P1</a>"), "{}", deployed[0]);
        assert!(deployed[0].contains("<td>blue</td>"), "{}", deployed[0]);
        assert!(deployed[0].contains("<time datetime=\""), "{}", deployed[0]);
        let released = rows(&html, "released");
        assert_eq!(released.len(), 1, "{html}");
        assert!(released[0].contains("<td>Web</td>") && released[0].contains(">1</a>"));

        // Web's latest version (2, on feat) and its main branch's latest (1), against
        // production and test, in the environments' order.
        let table = rows(&html, "deployability");
        let web: Vec<&String> = table
            .iter()
            .filter(|r| r.contains(">Web</a>") || r.contains("latest of main"))
            .collect();
        assert_eq!(web.len(), 2, "{html}");
        let latest = web.iter().find(|r| r.contains(">2</a>")).expect("Web 2");
        let main = web.iter().find(|r| r.contains(">1</a>")).expect("Web 1");
        assert!(
            latest.contains("<span class=\"badge\">latest</span>"),
            "{latest}"
        );
        assert!(
            main.contains("<span class=\"badge\">latest of main</span>"),
            "{main}"
        );
        assert_eq!(
            states(latest),
            vec![
                ("failed".to_string(), "not deployable".to_string()),
                ("unverified".to_string(), "unknown".to_string())
            ],
            "{latest}"
        );
        assert_eq!(
            states(main),
            vec![
                ("verified".to_string(), "deployable".to_string()),
                ("unverified".to_string(), "unknown".to_string())
            ],
            "{main}"
        );
        assert!(main.contains("released here"), "{main}");

        // Each cell links to the matrix page for its question, which gives the same
        // answer, and carries the API's reason.
        let cell = |row: &str| -> (String, String) {
            let at = row.find("<a class=\"state").expect("cell");
            let rest = &row[at..];
            let href = &rest[rest.find("href=\"").unwrap() + 6..];
            let href = text(&href[..href.find('"').unwrap()]);
            let title = &rest[rest.find("title=\"").unwrap() + 7..];
            let title = text(&title[..title.find('"').unwrap()]);
            (href, title)
        };
        for (row, deployable, word) in [
            (latest, false, "not deployable"),
            (main, true, "deployable"),
        ] {
            let (href, title) = cell(row);
            let version = if deployable { "1" } else { "2" };
            assert_eq!(
                href,
                format!("{u}/matrix?q[][pacticipant]=Web&q[][version]={version}&latestby=cvpv&environment=production")
            );
            let (_, api, _) = send(&c, "GET", &href, None).await;
            assert_eq!(api["summary"]["deployable"], deployable, "{api}");
            assert_eq!(title, api["summary"]["reason"].as_str().unwrap());
            let (status, matrix) = page(&href).await;
            assert_eq!(status, 200);
            assert_eq!(states(answer_section(&matrix))[0].1, word);
        }

        // The provider, deployed to production already.
        let api_row = table
            .iter()
            .find(|r| r.contains(">API</a>"))
            .expect("API row");
        assert!(
            api_row.contains(">P1</a>") && api_row.contains("deployed here"),
            "{api_row}"
        );

        // A HAL client still gets the API's list.
        let (status, list, headers) = send(&c, "GET", &format!("{u}/environments"), None).await;
        assert_eq!(status, 200);
        assert!(hal(&headers));
        let names: Vec<&str> = list["_embedded"]["environments"]
            .as_array()
            .expect("environments")
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["production", "test"]);

        // Pages of pacticipants: 20 a page, with a pager; a bad page number is a 400.
        for i in 0..20 {
            let (status, body, _) = send(
                &c,
                "POST",
                &format!("{u}/pacticipants"),
                Some(&json!({"name": format!("Zed{i:02}")})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }
        let (status, html) = page(&format!("{u}/environments")).await;
        assert_eq!(status, 200);
        let first: Vec<String> = rows(&html, "deployability")
            .into_iter()
            .filter(|r| r.contains("class=\"first\""))
            .collect();
        assert_eq!(first.len(), 20, "{html}");
        assert!(html.contains("Page 1 of 2 (22 pacticipants)"), "{html}");
        assert!(html.contains(&format!("href=\"{u}/environments?page=2\" rel=\"next\"")));
        let (status, html) = page(&format!("{u}/environments?page=2")).await;
        assert_eq!(status, 200);
        let second = rows(&html, "deployability");
        assert_eq!(second.len(), 2, "{html}");
        assert!(
            second.iter().all(|r| r.contains("no versions yet")),
            "{html}"
        );
        assert!(html.contains(&format!("href=\"{u}/environments?page=1\" rel=\"prev\"")));
        let (status, html) = page(&format!("{u}/environments?page=0")).await;
        assert_eq!(status, 400);
        assert!(html.contains("page: must be a whole number"), "{html}");
        b.stop().await;
    }
}
