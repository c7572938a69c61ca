//! The `slogen` binary: everything lives in the library; this only hands off.

fn main() -> std::process::ExitCode {
    slogen::cli::main()
}
