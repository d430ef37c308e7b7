//! The counters behind `GET /metrics` (issue #18): requests by route and status, their
//! latencies by route, failed sign-ins and the last successful backup, kept in memory per
//! server process and written out in Prometheus' text format 0.0.4 by hand (a few lines of
//! `format!`; no metrics library for seven series).
//!
//! The route label is the route's template (`/api/v1/users/{id}`, as axum matched it), never
//! the path a client sent, so the series stay few whatever the clients ask; a request that
//! matched no route counts under `unmatched`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Default)]
struct Histogram {
    /// Counts per bucket (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The replication gauges of one exposition.
#[derive(Clone, Debug, Default)]
pub struct ReplicationGauges {
    /// `primary`, `standby`, `promoting` or `fenced`.
    pub role: &'static str,
    /// A standby's lag in revisions.
    pub lag_revisions: Option<u64>,
    /// A standby's lag in seconds.
    pub lag_seconds: Option<i64>,
    /// A primary's standby's revision.
    pub standby_revision: Option<u64>,
    /// Seconds since a primary's standby last asked.
    pub standby_seconds_ago: Option<f64>,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latencies: Mutex<BTreeMap<String, Histogram>>,
    signin_failures: AtomicU64,
    /// Seconds since 1970 of the last backup that was taken and verified (0: none yet).
    backup_last_success: AtomicI64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        let mut requests = self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *requests.entry((route.to_owned(), status)).or_default() += 1;
        drop(requests);
        let mut latencies = self.latencies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let h = latencies.entry(route.to_owned()).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Counts a refused sign-in (a wrong password or an unknown account).
    pub fn signin_failed(&self) {
        self.signin_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a backup taken and verified at `at` (seconds since 1970).
    pub fn backup_succeeded(&self, at: i64) {
        self.backup_last_success.fetch_max(at, Ordering::Relaxed);
    }

    /// The exposition: the counters, and the gauges given (revision, audit queue, replication).
    pub fn render(&self, revision: u64, audit_queue: u64, replication: &ReplicationGauges) -> String {
        let mut out = String::with_capacity(4096);
        let mut gauge = |name: &str, help: &str, value: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        };
        gauge(
            "adam_revision",
            "The revision of the world this server holds.",
            &revision.to_string(),
        );
        gauge(
            "adam_audit_queue_depth",
            "Access records waiting for the audit writer.",
            &audit_queue.to_string(),
        );
        gauge(
            "adam_backup_last_success_timestamp_seconds",
            "When the last scheduled backup was taken and verified (0: none since start).",
            &self.backup_last_success.load(Ordering::Relaxed).to_string(),
        );
        let _ = writeln!(
            out,
            "# HELP adam_role The role of this server.\n# TYPE adam_role gauge\nadam_role{{role=\"{}\"}} 1",
            replication.role
        );
        let mut optional = |name: &str, help: &str, value: Option<String>| {
            if let Some(v) = value {
                let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
            }
        };
        optional(
            "adam_replication_lag_revisions",
            "Revisions this standby is behind its primary.",
            replication.lag_revisions.map(|v| v.to_string()),
        );
        optional(
            "adam_replication_lag_seconds",
            "Seconds between the primary's newest change and the newest this standby holds.",
            replication.lag_seconds.map(|v| v.to_string()),
        );
        optional(
            "adam_replication_standby_revision",
            "The revision this primary's standby last said it holds.",
            replication.standby_revision.map(|v| v.to_string()),
        );
        optional(
            "adam_replication_standby_last_seen_seconds",
            "Seconds since this primary's standby last asked for the log.",
            replication.standby_seconds_ago.map(|v| format!("{v:.3}")),
        );
        let _ = writeln!(
            out,
            "# HELP adam_signin_failures_total Sign-ins refused for a wrong password or an unknown account.\n\
             # TYPE adam_signin_failures_total counter\nadam_signin_failures_total {}",
            self.signin_failures.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP adam_http_requests_total HTTP requests answered, by route and status.\n\
             # TYPE adam_http_requests_total counter"
        );
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "adam_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                label(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP adam_http_request_duration_seconds Time to answer an HTTP request, by route.\n\
             # TYPE adam_http_request_duration_seconds histogram"
        );
        for (route, h) in self
            .latencies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "adam_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "adam_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 adam_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 adam_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        out
    }
}

/// A label value escaped as the text format requires.
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_and_sums_buckets() {
        let m = Metrics::default();
        m.request("/ready", 200, 0.002);
        m.request("/ready", 200, 0.3);
        m.request("/ready", 404, 0.0001);
        m.signin_failed();
        m.backup_succeeded(1_780_000_000);
        let text = m.render(
            7,
            3,
            &ReplicationGauges {
                role: "standby",
                lag_revisions: Some(4),
                lag_seconds: Some(2),
                ..ReplicationGauges::default()
            },
        );
        assert!(text.contains("adam_role{role=\"standby\"} 1\n"));
        assert!(text.contains("adam_replication_lag_revisions 4\n"));
        assert!(text.contains("adam_replication_lag_seconds 2\n"));
        assert!(
            !text.contains("adam_replication_standby_revision"),
            "a standby has no standby"
        );
        assert!(text.contains("adam_revision 7\n"), "{text}");
        assert!(text.contains("adam_audit_queue_depth 3\n"));
        assert!(text.contains("adam_http_requests_total{route=\"/ready\",status=\"200\"} 2\n"));
        assert!(text.contains("adam_http_requests_total{route=\"/ready\",status=\"404\"} 1\n"));
        assert!(text.contains("adam_http_request_duration_seconds_bucket{route=\"/ready\",le=\"0.001\"} 1\n"));
        assert!(text.contains("adam_http_request_duration_seconds_bucket{route=\"/ready\",le=\"0.0025\"} 2\n"));
        assert!(text.contains("adam_http_request_duration_seconds_bucket{route=\"/ready\",le=\"+Inf\"} 3\n"));
        assert!(text.contains("adam_signin_failures_total 1\n"));
        assert!(text.contains("adam_backup_last_success_timestamp_seconds 1780000000\n"));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
