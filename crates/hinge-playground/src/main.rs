//! `playground`: hinge-lab's live page, TensorFlow Playground's layout with the hinge family,
//! populations and your own data. One process serves the page (compiled in) and trains every
//! tab's session on the population engine.
//!
//! `cargo run --release -p hinge-playground`, then open the URL it prints.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use hinge_cli::{CommandLine, named, parse_or_exit};
use hinge_train::BackendKind;

hinge_cli::use_mimalloc!();

/// Serve the playground page on this machine and train what its tabs ask for.
#[derive(Debug, Parser)]
#[command(name = "playground", version)]
struct Cli {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on. Anything but a loopback address lets other machines train
    /// here.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Compute backend. [default: as for circles]
    #[arg(long, value_parser = named::<BackendKind>())]
    backend: Option<BackendKind>,
    /// Sessions (tabs) training at once; one more is told the server is busy.
    #[arg(long, default_value_t = 8)]
    max_sessions: usize,
    /// Minutes after which a session nobody touches ends.
    #[arg(long, default_value_t = 10)]
    idle_minutes: u64,
}

impl CommandLine for Cli {}

fn main() {
    let cli: Cli = parse_or_exit();
    if let Err(message) = serve(&cli) {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn serve(cli: &Cli) -> Result<(), String> {
    if cli.max_sessions == 0 {
        return Err("--max-sessions 0 would refuse every tab: give at least 1".into());
    }
    let device = BackendKind::chosen(cli.backend)
        .device()
        .map_err(|err| err.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the server's runtime: {err}"))?;
    runtime.block_on(async {
        let address = SocketAddr::new(cli.host, cli.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::AddrInUse => format!(
                    "port {} on {} is in use: stop what holds it, or give another --port",
                    cli.port, cli.host
                ),
                _ => format!("cannot listen on {address}: {err}"),
            })?;
        let bound = listener
            .local_addr()
            .map_err(|err| format!("cannot read the address listened on: {err}"))?;
        if !cli.host.is_loopback() {
            println!(
                "Listening on {}: any machine that reaches it can use the playground",
                cli.host
            );
        }
        println!("Playground: http://{bound}/");
        let server = hinge_playground::server::Server::new(
            device,
            cli.max_sessions,
            Duration::from_secs(cli.idle_minutes.max(1) * 60),
        );
        axum::serve(listener, hinge_playground::server::router(server))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|err| format!("the server stopped: {err}"))
    })
}
