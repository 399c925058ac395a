//! What every command gets: settings, scope, state, printer, and the engine on first use.

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::output::Printer;
use crate::state::StateStore;
use tokio::sync::OnceCell;

impl GlobalArgs {
    /// The docker CLI's engine flags, for the engine layer.
    pub fn engine_flags(&self) -> crate::engine::endpoint::Flags {
        crate::engine::endpoint::Flags {
            host: self.docker_host.clone(),
            tls_verify: self.tlsverify,
            tls_ca: self.tlscacert.clone(),
            tls_cert: self.tlscert.clone(),
            tls_key: self.tlskey.clone(),
        }
    }
}

/// What every command gets: settings, scope, state, printer, and the engine on first use.
pub struct Context {
    pub global: GlobalArgs,
    pub config: Config,
    pub scope: String,
    pub store: StateStore,
    pub printer: Printer,
    engine: OnceCell<Engine>,
}

impl Context {
    /// Loads the config, the scope and the state directory; the engine waits for first use.
    pub fn build(global: GlobalArgs, printer: Printer) -> anyhow::Result<Context> {
        let config = Config::load(global.config.as_deref())?;
        let scope = crate::scope::resolve(global.scope.as_deref(), config.scope.as_deref())?;
        let store = StateStore::locate()?;
        Ok(Context {
            global,
            config,
            scope,
            store,
            printer,
            engine: OnceCell::new(),
        })
    }

    /// The same settings with no engine yet: for a server whose tasks outlive any borrow.
    pub fn unconnected_copy(&self) -> Context {
        Context {
            global: self.global.clone(),
            config: self.config.clone(),
            scope: self.scope.clone(),
            store: self.store.clone(),
            printer: self.printer.clone(),
            engine: OnceCell::new(),
        }
    }

    /// Connects on first use, so commands that never touch Docker never pay for it.
    pub async fn engine(&self) -> anyhow::Result<&Engine> {
        self.engine
            .get_or_try_init(|| async {
                let engine = Engine::unverified(&self.global.engine_flags())?
                    .with_bounds(self.config.engine_timeout.bounds());
                if let Some(warning) = engine.endpoint.plaintext_warning() {
                    self.printer.warn(warning);
                }
                engine.verify().await?;
                Ok(engine)
            })
            .await
    }

    /// The live sandbox `query` names in this scope, with the engine and the state read to
    /// resolve it (so callers need not read the state file again).
    pub async fn live_sandbox(
        &self,
        query: &str,
    ) -> anyhow::Result<(&Engine, crate::state::State, crate::sandbox::Sandbox)> {
        let state = self.store.load()?;
        let resolve = |engine| crate::resolve::resolve(engine, &state, &self.scope, query);
        let (engine, target) = match self.engine.get() {
            Some(engine) => (engine, resolve(engine).await?),
            None => {
                // The proof that the engine answers runs beside the first real request instead
                // of before it: one round trip less on the path of every exec, and still exit 4
                // within seconds for an engine that accepts and never answers.
                let engine = Engine::unverified(&self.global.engine_flags())?
                    .with_bounds(self.config.engine_timeout.bounds());
                if let Some(warning) = engine.endpoint.plaintext_warning() {
                    self.printer.warn(warning);
                }
                // The ping's verdict comes first: an address that is not Docker's answers the
                // list with a 404 too, and "cannot reach" (exit 4) is the truth, not that 404.
                let target = {
                    let verify = engine.verify();
                    let resolving = resolve(&engine);
                    tokio::pin!(verify, resolving);
                    tokio::select! {
                        verified = &mut verify => {
                            verified?;
                            resolving.await?
                        }
                        target = &mut resolving => {
                            verify.await?;
                            target?
                        }
                    }
                };
                (self.engine.get_or_init(|| async { engine }).await, target)
            }
        };
        Ok((engine, state, target.live()?))
    }
}
