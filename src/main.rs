//! The `fdsl` command line tool: a shim over [`fdsl_cli`], where all of it lives.
fn main() -> std::process::ExitCode {
    fdsl_cli::main()
}
