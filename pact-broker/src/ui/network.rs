//! The network pages: `/network`, every pacticipant and integration of the broker, and
//! `/pacticipants/{p}/network`, one pacticipant with its consumers and providers. Each is
//! the graph (an inline SVG laid out here, see [`super::graph`]), a legend, and the same
//! edges as a table for screen readers and narrow screens.

use super::graph::{self, Edge, Graph, Node};
use super::{page, Nav};
use crate::api::links::seg;
use crate::api::{ApiError, Reply, Req};
use crate::domain::status::VerificationState;
use crate::store::IntegrationSummary;
use crate::Broker;
use askama::Template;
use std::collections::BTreeMap;

/// One state in the legend: its word, its colour and whether its line is dashed.
pub(crate) struct LegendItem {
    /// The state, named by its label.
    pub state: VerificationState,
    /// Its arrows' colour.
    pub colour: &'static str,
    /// Its arrows' dash pattern, when dashed.
    pub dash: Option<&'static str>,
}

/// One edge as the table lists it.
pub(crate) struct EdgeRow {
    /// The consumer's name.
    pub consumer: String,
    /// The consumer's network page.
    pub consumer_href: String,
    /// The provider's name.
    pub provider: String,
    /// The provider's network page.
    pub provider_href: String,
    /// The last verified state.
    pub state: VerificationState,
    /// The latest pact.
    pub pact_href: String,
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage<'a> {
    nav: Nav<'a>,
    /// The pacticipant the page is about; `None` for the whole network.
    subject: Option<String>,
    /// The SVG element, built and escaped by [`graph::svg`].
    svg: String,
    legend: Vec<LegendItem>,
    rows: Vec<EdgeRow>,
    pacticipants: usize,
}

/// The graph and table of `summaries` (already restricted to what the page shows).
fn view<'a>(
    req: &'a Req,
    summaries: &[IntegrationSummary],
    subject: Option<&str>,
) -> NetworkPage<'a> {
    let l = req.links();
    let network = |name: &str| l.at(&format!("/pacticipants/{}/network", seg(name)));
    // Nodes by name, so the layout (and so the picture) is the same on every load.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for s in summaries {
        index.insert(&s.integration.consumer, 0);
        index.insert(&s.integration.provider, 0);
    }
    if let Some(name) = subject {
        index.insert(name, 0);
    }
    for (i, v) in index.values_mut().enumerate() {
        *v = i;
    }
    let nodes: Vec<Node> = index
        .keys()
        .map(|name| Node {
            name: name.to_string(),
            href: network(name),
        })
        .collect();
    let edges: Vec<Edge> = summaries
        .iter()
        .map(|s| Edge {
            consumer: index[s.integration.consumer.as_str()],
            provider: index[s.integration.provider.as_str()],
            state: s.state(),
            href: l.latest_pact(&s.integration.provider, &s.integration.consumer),
        })
        .collect();
    let rows = summaries
        .iter()
        .zip(&edges)
        .map(|(s, e)| EdgeRow {
            consumer: s.integration.consumer.clone(),
            consumer_href: network(&s.integration.consumer),
            provider: s.integration.provider.clone(),
            provider_href: network(&s.integration.provider),
            state: e.state,
            pact_href: e.href.clone(),
        })
        .collect();
    let title = match subject {
        Some(name) => format!(
            "The network of {name}: its consumers and providers, {} integrations",
            edges.len()
        ),
        None => format!(
            "The network: {} pacticipants, {} integrations",
            nodes.len(),
            edges.len()
        ),
    };
    let pacticipants = nodes.len();
    let svg = graph::svg(&Graph {
        title,
        focus: subject.and_then(|name| index.get(name).copied()),
        nodes,
        edges,
    });
    NetworkPage {
        nav: Nav::new(req, "network"),
        subject: subject.map(str::to_string),
        svg,
        legend: graph::STATES
            .iter()
            .map(|&state| LegendItem {
                state,
                colour: graph::colour(state),
                dash: graph::dash(state),
            })
            .collect(),
        rows,
        pacticipants,
    }
}

/// `GET /network` for a browser: every integration.
pub(crate) async fn whole(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let summaries = b.store.integration_summaries(None, None).await?;
    page(&view(req, &summaries, None))
}

/// `GET /pacticipants/{p}/network` for a browser: `name`, its consumers and providers, and
/// its integrations with them (not theirs with each other). A pacticipant without pacts
/// has a page with itself alone; an unknown one is a 404.
pub(crate) async fn of_pacticipant(b: &Broker, req: &Req, name: &str) -> Result<Reply, ApiError> {
    let mut summaries = b.store.integration_summaries(None, None).await?;
    summaries.retain(|s| s.integration.consumer == name || s.integration.provider == name);
    if summaries.is_empty() && b.store.pacticipant(name).await?.is_none() {
        return Err(ApiError::NotFound(format!(
            "No pacticipant with name '{name}' found"
        )));
    }
    page(&view(req, &summaries, Some(name)))
}
