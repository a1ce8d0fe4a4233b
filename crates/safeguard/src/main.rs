//! The `safeguard` command. Everything happens in the library; this only reports the outcome.

fn main() -> std::process::ExitCode {
    safeguard::main()
}
