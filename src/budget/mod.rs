//! Decisions on top of the live facts: error-budget policy levels and the deployment gate
//! ([`policy`]), and the JSON row every budget answer shares ([`row`]).
//!
//! The facts themselves (budgets, burn rates, firing alerts) are read by [`crate::live`]; this
//! module only judges them, so `gate`, `budget`, `report`, `serve` and MCP agree.

pub mod policy;
pub mod row;
