//! The `hashtrack` command line: argument parsing and dispatch only. Each command lives in
//! `cli/`; the work itself is in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Reading a large store is mostly parsing stored days and building rows: many small
/// allocations, which mimalloc serves in about half glibc's time (measured with the scale
/// benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        // Help and --version print and exit 0; a usage error exits 1, never 2, which means
        // "the run finished with something missing".
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    cli::init_logging(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::dispatch(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `hashtrack report | head` should end quietly, as other command-line tools do, not panic
/// on a closed pipe: Rust ignores SIGPIPE by default, so restore the default action. The
/// store is written crash-safe, so a run ended this way loses nothing.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
