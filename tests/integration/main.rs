//! slogen's integration tests, compiled as one binary.

mod golden;
mod promtool_check;
mod support;
