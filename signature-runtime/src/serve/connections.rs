//! The connection loop: what a server owes to clients that are slow, idle or hostile before
//! any handler runs. `axum::serve` sets no timer, so hyper's header timeout never fires, and
//! caps nothing: one client sending a byte a second, or ten thousand idle connections, would
//! each be held for ever. This loop gives hyper a timer and the limits of [`ServeOptions`].

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

use super::ServeOptions;

/// hyper's own header count limit. Setting any count, even this one, moves hyper's header
/// array from the stack to the heap (about 5% per request by its docs), so the builder is
/// only told about a different one.
pub(super) const HYPER_MAX_HEADERS: usize = 100;

/// How long the loop waits before accepting again after an error that is not one
/// connection's (out of file descriptors, mostly): retrying at once would spin a core.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` with the connection limits of `options` until `shutdown`
/// completes; then stops accepting, closes idle connections, and returns once the requests
/// in flight are answered.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Counted from a connection's first byte or its last answer: the idle timeout of
        // keep-alive connections as well as the limit for sending a head.
        .header_read_timeout(options.header_timeout)
        .max_header_size(options.max_header_bytes);
    if options.max_headers != HYPER_MAX_HEADERS {
        builder.max_headers(options.max_headers);
    }
    let open = Arc::new(Semaphore::new(options.max_connections));
    let graceful = GracefulShutdown::new();
    // Dropped at shutdown: connections that have not sent a byte yet close then.
    let (stop, stopping) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the cap, the next connection waits in the kernel's backlog until one closes
        // (idle ones do after the header timeout), rather than being accepted and held.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    if !is_connection_error(&error) {
                        tracing::warn!(%error, "accepting a connection failed; retrying");
                        tokio::select! {
                            () = tokio::time::sleep(ACCEPT_RETRY) => {}
                            () = &mut shutdown => break,
                        }
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are small and written whole: do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let service = Service {
            router: router.clone(),
            body_timeout: options.body_timeout,
        };
        let builder = builder.clone();
        let graceful = graceful.watcher();
        let mut stopping = stopping.clone();
        let header_timeout = options.header_timeout;
        tokio::spawn(async move {
            // hyper reserves its read buffer as soon as it serves a connection; one that has
            // sent nothing yet costs only its socket and this small task until it does
            // (measured in a debug build: 10,000 idle connections took 108 MB of resident
            // memory with hyper holding them, 14 MB this way).
            // `peek`, not `readable`: a fresh socket reads as ready before any byte came.
            let mut first = [0_u8; 1];
            tokio::select! {
                peeked = stream.peek(&mut first) => {
                    if !matches!(peeked, Ok(1..)) {
                        return;
                    }
                }
                () = tokio::time::sleep(header_timeout) => return,
                _ = stopping.changed() => return,
            }
            // Boxed: the waiting task above stays small, hyper's state is made only now.
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            if let Err(error) = Box::pin(graceful.watch(connection)).await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    drop(stop);
    graceful.shutdown().await;
    Ok(())
}

/// Errors of the one connection being accepted (it was reset before we took it): the
/// listener itself is fine.
fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// The router, its request bodies given a deadline.
#[derive(Clone)]
struct Service {
    router: Router,
    body_timeout: Duration,
}

impl hyper::service::Service<hyper::Request<Incoming>> for Service {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = axum::routing::future::RouteFuture<std::convert::Infallible>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        let body_timeout = self.body_timeout;
        let request = request.map(|body| Body::new(DeadlineBody::new(body, body_timeout)));
        // A router is always ready (axum documents it), so no `poll_ready` first.
        tower_service::Service::call(&mut self.router.clone(), request)
    }
}

/// A request body that fails with [`BodyTimeout`] once its deadline passes, however slowly
/// or rarely its bytes arrive.
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    limit: Duration,
    /// Made the first time the body has to wait: most bodies arrive with their head and
    /// never need a timer.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, limit: Duration) -> Self {
        DeadlineBody {
            inner,
            deadline: Instant::now() + limit,
            limit,
            sleep: None,
        }
    }
}

impl hyper::body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let body = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut body.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        let deadline = body.deadline;
        let sleep = body
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout { limit: body.limit })))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that was not received in full within [`ServeOptions::with_body_timeout`].
#[derive(Debug)]
struct BodyTimeout {
    limit: Duration,
}

impl fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the request body was not received within {} s",
            self.limit.as_secs_f64()
        )
    }
}

impl Error for BodyTimeout {}

/// The limit of the [`BodyTimeout`] somewhere in `error`'s chain (axum and `Limited` each
/// wrap it).
pub(super) fn body_timeout(error: &(dyn Error + 'static)) -> Option<Duration> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(timeout) = error.downcast_ref::<BodyTimeout>() {
            return Some(timeout.limit);
        }
        cause = error.source();
    }
    None
}
