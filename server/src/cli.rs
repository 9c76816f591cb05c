//! Command line and configuration. Every setting is a flag with an environment variable behind it.

use std::net::SocketAddr;

use app::server::AppState;
use clap::{Parser, Subcommand};
use domain::accounts::users::{Email, Login, Password};
use domain::accounts::SessionConfig;
use domain::clock::MINUTE_MS;
use domain::Db;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "crm", version, about = "Group CRM server")]
pub struct Cli {
    /// Database: sqlite://path/to/file.db (created when missing) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/crm.db", global = true)]
    pub database_url: String,
    /// Log filter, e.g. "info" or "server=debug,sqlx=warn" (RUST_LOG takes precedence).
    #[arg(long, env = "CRM_LOG", default_value = "info", global = true)]
    pub log: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CRM_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Folder with the built browser bundle (cargo-leptos's site root).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Seed the demo data when the database has no users yet.
    #[arg(long, env = "CRM_SEED_DEMO_IF_EMPTY")]
    pub seed_demo_if_empty: bool,
    /// Mark cookies Secure (set when users reach the server over HTTPS).
    #[arg(long, env = "CRM_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Take the client address from X-Forwarded-For (only behind a trusted reverse proxy).
    #[arg(long, env = "CRM_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// REST API: calls one personal access token may make at once.
    #[arg(long, env = "CRM_API_BURST", default_value_t = 120.0)]
    pub api_burst: f64,
    /// REST API: calls per second one token regains after a burst.
    #[arg(long, env = "CRM_API_PER_SECOND", default_value_t = 20.0)]
    pub api_per_second: f64,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "CRM_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,
    /// Minutes after sign-in at which a session ends regardless of use.
    #[arg(long, env = "CRM_SESSION_MAX_MINUTES", default_value_t = 720)]
    pub session_max_minutes: i64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo group and print the demo logins.
    SeedDemo,
    /// Create an administrator (and the top unit, when the org tree is empty).
    CreateAdmin {
        #[arg(long)]
        login: String,
        /// The password; read from CRM_ADMIN_PASSWORD when not given.
        #[arg(long, env = "CRM_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// Fill an empty database with a large generated data set for benchmarks.
    BenchData(BenchDataArgs),
    /// Finish the built browser bundle (short chunk names, brotli and gzip copies) and print
    /// every file's sizes.
    Precompress {
        /// Folder with the built browser bundle (cargo-leptos's site root).
        #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
        site_root: String,
    },
}

/// The shape of the generated data set (see domain::bench_data).
#[derive(Debug, Clone, clap::Args)]
pub struct BenchDataArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: usize,
    /// Average contacts per customer.
    #[arg(long, default_value_t = 1.5)]
    pub contacts_per_customer: f64,
    /// Average follow-ups per customer.
    #[arg(long, default_value_t = 1.5)]
    pub follow_ups_per_customer: f64,
    /// Org units in all.
    #[arg(long, default_value_t = 500)]
    pub units: usize,
    /// Deepest level of the org tree, the group being level 1 (4 to 8).
    #[arg(long, default_value_t = 6)]
    pub max_depth: usize,
    #[arg(long, default_value_t = 10_000)]
    pub users: usize,
    /// The same seed and end date give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// End of the generated three years, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    pub until: Option<String>,
}

pub fn init_logging(level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).try_init();
}

pub type CliResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn open_db(url: &str) -> CliResult<Db> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> CliResult<()> {
    let command = cli.command.unwrap_or_else(|| {
        Command::Serve(ServeArgs::parse_from_env())
    });
    match command {
        Command::Serve(args) => serve(&cli.database_url, args).await,
        Command::Migrate => {
            open_db(&cli.database_url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::SeedDemo => {
            let db = open_db(&cli.database_url).await?;
            seed_demo(&db).await
        }
        Command::CreateAdmin { login, password, name, email } => {
            let db = open_db(&cli.database_url).await?;
            create_admin(&db, &login, &password, &name, email.as_deref()).await
        }
        Command::BenchData(args) => {
            let db = open_db(&cli.database_url).await?;
            bench_data(&db, args).await
        }
        Command::Precompress { site_root } => print_bundle_sizes(&site_root),
    }
}

/// One line per file of the bundle: raw, gzip and brotli bytes, then the totals.
fn print_bundle_sizes(site_root: &str) -> CliResult<()> {
    let dir = std::path::Path::new(site_root).join(crate::routes::PKG_DIR);
    crate::assets::shorten_chunk_names(&dir)?;
    let sizes = crate::assets::precompress(&dir)?;
    println!("{:<60} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    for s in &sizes {
        println!("{:<60} {:>10} {:>10} {:>10}", s.name, s.raw, s.gzip, s.brotli);
    }
    let sum = |f: fn(&crate::assets::AssetSize) -> u64| sizes.iter().map(f).sum::<u64>();
    println!("{:<60} {:>10} {:>10} {:>10}", "all files", sum(|s| s.raw), sum(|s| s.gzip), sum(|s| s.brotli));
    Ok(())
}

impl ServeArgs {
    /// The serve settings when no subcommand is given: flags do not apply, the environment does.
    fn parse_from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["crm"]).args
    }
}

async fn seed_demo(db: &Db) -> CliResult<()> {
    match domain::demo::seed(db).await {
        Ok(summary) => {
            print_demo_logins(&summary);
            Ok(())
        }
        Err(domain::DomainError::Conflict(_)) => {
            Err("the database already has users; demo data is only seeded into an empty database".into())
        }
        Err(e) => Err(e.into()),
    }
}

fn print_demo_logins(summary: &domain::demo::DemoSummary) {
    println!("Demo data created: {} users, {} customers.", summary.logins.len(), summary.customers);
    println!("Every demo user's password is: {}", summary.password);
    println!("{:<12} {:<8} {:<16} {}", "login", "name", "role", "unit");
    for l in &summary.logins {
        println!("{:<12} {:<8} {:<16} {}", l.login, l.display_name, l.role, l.unit);
    }
}

async fn create_admin(db: &Db, login: &str, password: &str, name: &str, email: Option<&str>) -> CliResult<()> {
    let login = Login::parse(login).map_err(|_| "the login must be 3-64 characters of a-z, 0-9, '.', '_', '-'")?;
    let password = Password::parse(password).map_err(|_| "the password must be 8-128 characters")?;
    let email = email.map(Email::parse).transpose().map_err(|_| "the e-mail address is not valid")?;
    let id = domain::accounts::users::create_administrator(db, login, email, name, password).await?;
    println!("Administrator created (user id {id}).");
    Ok(())
}

async fn bench_data(db: &Db, args: BenchDataArgs) -> CliResult<()> {
    use domain::bench_data::{generate, start_of_today_ms, BenchConfig};
    let until_ms = match &args.until {
        Some(date) => domain::clock::end_of_day_ms(date).ok_or("--until must be a date, YYYY-MM-DD")? + 1,
        None => start_of_today_ms(),
    };
    let config = BenchConfig {
        customers: args.customers,
        contacts_per_customer: args.contacts_per_customer,
        follow_ups_per_customer: args.follow_ups_per_customer,
        units: args.units,
        max_depth: args.max_depth,
        users: args.users,
        seed: args.seed,
        until_ms,
    };
    let started = std::time::Instant::now();
    let summary = match generate(db, &config).await {
        Ok(s) => s,
        Err(domain::DomainError::Conflict(_)) => {
            return Err("the database is not empty; bench data is only generated into an empty database (create a new one)".into())
        }
        Err(domain::DomainError::Invalid { field, .. }) => return Err(format!("--{} is out of range", field.replace('_', "-")).into()),
        Err(e) => return Err(e.into()),
    };
    println!(
        "Bench data created in {:.0} s: {} units (depth {}, {} branches), {} users, {} customers ({} in pools), {} contacts, \
         {} follow-ups, {} tags, {} shares, {} pools.",
        started.elapsed().as_secs_f64(), summary.units, summary.max_depth, summary.branches, summary.users, summary.customers,
        summary.pooled, summary.contacts, summary.follow_ups, summary.tags, summary.shares, summary.pools
    );
    for (phase, secs) in &summary.timings {
        println!("  {phase}: {secs:.1} s");
    }
    println!("Every generated user's password is: {} (logins: admin, ceo, bm…, lead…, sales…)", summary.password);
    Ok(())
}

async fn serve(database_url: &str, args: ServeArgs) -> CliResult<()> {
    let db = open_db(database_url).await?;
    if args.seed_demo_if_empty && domain::accounts::users::count_users(&db).await? == 0 {
        let summary = domain::demo::seed(&db).await?;
        print_demo_logins(&summary);
    }
    let sessions = SessionConfig {
        idle_ms: args.session_idle_minutes.max(1) * MINUTE_MS,
        absolute_ms: args.session_max_minutes.max(1) * MINUTE_MS,
    };
    let state = AppState::new(db.clone(), sessions, args.secure_cookies);
    crate::assets::precompress_in_background(&args.site_root, crate::routes::PKG_DIR);
    let options = crate::routes::leptos_options(&args.site_root, args.listen);
    let api_limits = crate::api::Limits { burst: args.api_burst.max(1.0), per_second: args.api_per_second.max(0.01) };
    let router = crate::routes::build_router_with(state.clone(), options, args.trust_proxy, api_limits);
    let webhooks = crate::webhooks::spawn(db.clone());
    let imports = crate::imports::spawn(db.clone());
    let jobs = crate::jobs::spawn(state);

    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(address = %args.listen, engine = ?db.dialect(), "listening on http://{}", args.listen);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    jobs.abort();
    webhooks.abort();
    imports.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested");
}
