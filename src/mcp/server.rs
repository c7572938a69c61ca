//! The rmcp wiring: tool declarations with their JSON Schemas, and the spec resources.
//!
//! Each tool parses its arguments (rmcp turns a bad argument into a tool error), runs the
//! blocking function of [`super::tools`] on tokio's blocking pool, so calls proceed
//! concurrently and a stuck Prometheus never stalls the protocol, and returns a short text
//! summary, the JSON, and `structuredContent` matching the declared output schema. A failure is
//! an MCP tool error (`isError: true`) with a message, never a crash of the server.

use std::sync::Arc;

use rmcp::handler::server::common::schema_for_output;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, ErrorData, RoleServer, ServerHandler};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::argocd::{Rollback, SyncStatus};
use super::catalog::Catalog;
use super::explain::Explanation;
use super::tools::{self, Answer, BudgetAnswer, RiskAnswer, SlosAnswer, State, ViolationsAnswer};
use crate::live::trend::Trend;

/// The MCP server: shared state plus the tool table.
#[derive(Clone)]
pub(crate) struct SloServer {
    state: Arc<State>,
    tool_router: ToolRouter<SloServer>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct BudgetArgs {
    /// The service, as in the spec's `service` (the `sloth_service` label).
    service: String,
    /// One SLO of it, by name (`requests-availability`) or ID; all of them when absent.
    slo: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ServiceArgs {
    /// The service, as in the spec's `service` (the `sloth_service` label).
    service: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ListSlosArgs {
    /// Only this service's SLOs; every SLO when absent.
    service: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SloArgs {
    /// The service, as in the spec's `service`.
    service: String,
    /// The SLO, by name (`requests-availability`) or ID (`tr-web-requests-availability`).
    slo: String,
}

fn default_range() -> String {
    "24h".into()
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct TrendArgs {
    /// The service, as in the spec's `service`.
    service: String,
    /// The SLO, by name or ID.
    slo: String,
    /// How far back to look, as a Prometheus duration between 1h and 90d.
    #[serde(default = "default_range")]
    range: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AppArgs {
    /// The ArgoCD application (`name` or `namespace/name`).
    app: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct RollbackArgs {
    /// The ArgoCD application (`name` or `namespace/name`).
    app: String,
    /// The history ID to roll back to, or a git revision of the history (7+ characters).
    revision: String,
    /// Must be true to act; otherwise the answer says what would be done.
    #[serde(default)]
    confirm: bool,
}

/// Runs a blocking tool function off the async threads and renders its answer. A call the
/// client cancels answers at once; the blocking work finishes (or times out) on its own.
async fn run<T, F>(ctx: RequestContext<RoleServer>, f: F) -> Result<CallToolResult, ErrorData>
where
    T: Serialize + Send + 'static,
    F: FnOnce() -> Result<Answer<T>, String> + Send + 'static,
{
    let work = tokio::task::spawn_blocking(f);
    let outcome = tokio::select! {
        joined = work => joined.unwrap_or_else(|e| Err(format!("internal error: the tool failed: {e}"))),
        () = ctx.ct.cancelled() => Err("cancelled by the client".to_string()),
    };
    Ok(match outcome {
        Ok(a) => {
            let value = serde_json::to_value(&a.value).map_err(|e| {
                ErrorData::internal_error(format!("encoding the answer: {e}"), None)
            })?;
            let mut r = CallToolResult::structured(value);
            r.content.insert(0, ContentBlock::text(a.summary));
            r
        }
        Err(message) => CallToolResult::error(vec![ContentBlock::text(message)]),
    })
}

#[tool_router(router = tool_router)]
impl SloServer {
    /// A server over `state`; the ArgoCD tools only when `--argocd` is on.
    pub(crate) fn new(state: State) -> SloServer {
        let mut tool_router = Self::tool_router();
        if state.argocd.is_none() {
            tool_router.remove_route("argocd_sync_status");
            tool_router.remove_route("rollback_deployment");
        }
        SloServer {
            state: Arc::new(state),
            tool_router,
        }
    }

    #[tool(
        description = "Error budget of a service's SLOs from live Prometheus: budget remaining, objective, period, current burn rate, policy level and firing alerts, most at risk first.",
        output_schema = schema_for_output::<BudgetAnswer>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn query_error_budget(
        &self,
        Parameters(a): Parameters<BudgetArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || {
            tools::query_error_budget(&s, &a.service, a.slo.as_deref())
        })
        .await
    }

    #[tool(
        description = "SLOs whose burn-rate alert conditions hold now (severity, window pair, burn rates, since when), plus SLOs whose error budget is exhausted.",
        output_schema = schema_for_output::<ViolationsAnswer>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_slo_violations(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || tools::list_slo_violations(&s)).await
    }

    #[tool(
        description = "Deployment risk of a service on the `slogen gate` error-budget policy: the policy level (ship_freely >50%, cautious 20-50%, focus_on_reliability 5-20%, freeze <5% budget left) with its advice and risk (LOW, MEDIUM, HIGH, CRITICAL), and the gate's verdict (a firing page alert blocks), with the reasons.",
        output_schema = schema_for_output::<RiskAnswer>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_deployment_risk(
        &self,
        Parameters(a): Parameters<ServiceArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || tools::get_deployment_risk(&s, &a.service)).await
    }

    #[tool(
        description = "SLOs from the spec files and from Prometheus (sloth_slo_info), with any drift between the two.",
        output_schema = schema_for_output::<SlosAnswer>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn list_slos(
        &self,
        Parameters(a): Parameters<ListSlosArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || tools::list_slos(&s, a.service.as_deref())).await
    }

    #[tool(
        description = "An SLO's SLI and burn rate over a range (default 24h), summarised: minimum, maximum, mean and the worst clock hour.",
        output_schema = schema_for_output::<Trend>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn get_sli_trend(
        &self,
        Parameters(a): Parameters<TrendArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || {
            tools::get_sli_trend(&s, &a.service, &a.slo, &a.range)
        })
        .await
    }

    #[tool(
        description = "Explains an SLO from its spec, offline: error budget in time, and each multi-window multi-burn-rate alert's windows, factor and threshold.",
        output_schema = schema_for_output::<Explanation>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn explain_slo(
        &self,
        Parameters(a): Parameters<SloArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || tools::explain_slo(&s, &a.service, &a.slo)).await
    }

    #[tool(
        description = "ArgoCD application sync and health status and deployment history (read-only, through the argocd CLI).",
        output_schema = schema_for_output::<SyncStatus>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn argocd_sync_status(
        &self,
        Parameters(a): Parameters<AppArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || tools::argocd_sync_status(&s, &a.app)).await
    }

    #[tool(
        description = "Rolls an ArgoCD application back to a history entry. Acts only when the server runs with --allow-write and the call carries confirm: true; otherwise answers (as an error) with what it would do.",
        output_schema = schema_for_output::<Rollback>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = true)
    )]
    async fn rollback_deployment(
        &self,
        Parameters(a): Parameters<RollbackArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let s = self.state.clone();
        run(ctx, move || {
            tools::rollback_deployment(&s, &a.app, &a.revision, a.confirm)
        })
        .await
    }
}

const SPEC_PREFIX: &str = "slogen://specs/";
const RULES_PREFIX: &str = "slogen://rules/";

impl SloServer {
    async fn catalog(&self) -> Result<Catalog, ErrorData> {
        let s = self.state.clone();
        tokio::task::spawn_blocking(move || Catalog::load(&s.specs))
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?
            .map_err(|e| ErrorData::internal_error(e, None))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for SloServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("slogen", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "slogen answers questions about SLOs: error budgets, burn-rate violations and deployment risk from live Prometheus, and explanations from the SLO specs. Resources hold the specs and the Prometheus rules generated from them.",
            )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let catalog = self.catalog().await?;
        let mut items = Vec::new();
        for f in &catalog.files {
            items.push(
                Resource::new(
                    format!("{SPEC_PREFIX}{}", f.name),
                    format!("spec {}", f.name),
                )
                .with_description(format!("The SLO spec file {}", f.name))
                .with_mime_type("application/yaml"),
            );
            items.push(
                Resource::new(
                    format!("{RULES_PREFIX}{}", f.name),
                    format!("rules {}", f.name),
                )
                .with_description(format!(
                    "The Prometheus rules slogen generates from {}",
                    f.name
                ))
                .with_mime_type("application/yaml"),
            );
        }
        Ok(ListResourcesResult::with_all_items(items))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let catalog = self.catalog().await?;
        let uri = request.uri.as_str();
        let find = |name: &str| catalog.files.iter().find(|f| f.name == name);
        let text = if let Some(f) = uri.strip_prefix(SPEC_PREFIX).and_then(find) {
            f.text.clone()
        } else if let Some(f) = uri.strip_prefix(RULES_PREFIX).and_then(find) {
            match &f.rules {
                Ok(rules) => rules.clone(),
                Err(problems) => {
                    let msg = format!("{} does not generate:\n{problems}", f.name);
                    return Err(ErrorData::internal_error(msg, None));
                }
            }
        } else {
            return Err(ErrorData::resource_not_found(
                format!("no resource {uri}"),
                None,
            ));
        };
        let contents = ResourceContents::text(text, uri).with_mime_type("application/yaml");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}
