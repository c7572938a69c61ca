//! Plugins: SLI plugins run while specs are lowered; SLO plugins run in the planner.

pub mod sli;
