//! The benchmark's figures: one serialisable report, printed for people and written as JSON
//! so the numbers in `BENCHMARKS.md` can be copied rather than retyped.

use adam_bench::stream::Mix;
use adam_bench::synth::{Config, Summary};
use adam_core::Level;
use serde::Serialize;

/// The machine the figures come from.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Machine {
    /// Logical CPUs available.
    pub nproc: usize,
    /// CPU model from `/proc/cpuinfo`.
    pub cpu: String,
    /// Total RAM in GiB from `/proc/meminfo`.
    pub ram_gib: f64,
    /// Whether the binary was built with optimisations.
    pub release: bool,
}

impl Machine {
    fn detect() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|m| m.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let ram_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("MemTotal:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|k| k.parse::<f64>().ok())
            })
            .map_or(0.0, |kib| kib / (1024.0 * 1024.0));
        Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            ram_gib,
            release: !cfg!(debug_assertions),
        }
    }

    /// "2 × AMD EPYC, 23.4 GiB RAM, release build".
    pub fn line(&self) -> String {
        format!(
            "{} × {}, {:.1} GiB RAM, {} build",
            self.nproc,
            self.cpu,
            self.ram_gib,
            if self.release {
                "release"
            } else {
                "DEBUG (figures meaningless)"
            }
        )
    }
}

/// In-memory sizes of the engine's public record types (without their heap parts), to track
/// the layout that decides how many cache lines a decision touches.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RecordBytes {
    /// `User`.
    pub user: usize,
    /// `Job`.
    pub job: usize,
    /// `Office`.
    pub office: usize,
    /// `Folder`.
    pub folder: usize,
    /// `Document`.
    pub document: usize,
    /// `AclEntry`.
    pub acl_entry: usize,
    /// `Grant`.
    pub grant: usize,
    /// `Event` (one change-log record).
    pub event: usize,
}

impl RecordBytes {
    fn measure() -> RecordBytes {
        use std::mem::size_of;
        RecordBytes {
            user: size_of::<adam_core::User>(),
            job: size_of::<adam_core::Job>(),
            office: size_of::<adam_core::Office>(),
            folder: size_of::<adam_core::Folder>(),
            document: size_of::<adam_core::Document>(),
            acl_entry: size_of::<adam_core::AclEntry>(),
            grant: size_of::<adam_core::Grant>(),
            event: size_of::<adam_core::Event>(),
        }
    }
}

/// Latency percentiles in nanoseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50_ns: u64,
    /// 95th percentile.
    pub p95_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// Largest.
    pub max_ns: u64,
    /// Mean.
    pub mean_ns: f64,
}

/// Building the index.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Build {
    /// Time to generate the events.
    pub generate_s: f64,
    /// Events in the change log.
    pub events: usize,
    /// Size of the materialised event list (`events × size_of::<Event>()`, without heap parts).
    pub event_list_mib: f64,
    /// `World::restore` from the events: the cold build.
    pub restore_s: f64,
    /// ACL entries in the world.
    pub entries: usize,
    /// The cold build scaled to one million entries.
    pub restore_s_per_million_entries: f64,
    /// Resident before the restore (the generated events).
    pub rss_before_restore_mib: f64,
    /// Resident after the restore, the events consumed and freed: the world alone.
    pub rss_after_build_mib: f64,
    /// Peak resident up to the end of the build (includes the event list).
    pub hwm_during_build_mib: f64,
    /// Whether the peak could be reset after the build.
    pub peak_reset: bool,
    /// Peak resident during the engine's check and lookup measurements (after the reset).
    pub hwm_engine_phase_mib: f64,
    /// The cold build in fresh processes of the same binary.
    pub fresh_restore_s: Vec<f64>,
    /// Resident after the build in those processes.
    pub fresh_rss_mib: Vec<f64>,
    /// Fastest cold build (this process and the fresh ones).
    pub restore_min_s: f64,
    /// Median cold build (this process and the fresh ones).
    pub restore_median_s: f64,
    /// The median scaled to one million entries.
    pub restore_median_s_per_million_entries: f64,
}

/// `check`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CheckFigures {
    /// Requests in the stream.
    pub requests: usize,
    /// What they are.
    pub mix: Mix,
    /// Share of requests allowed at the level.
    pub allowed_share: f64,
    /// Requests that returned an error.
    pub errors: usize,
    /// Each call timed with `Instant` (includes the timer's own cost).
    pub per_call: Latency,
    /// Mean of an empty timed region: what per-call timing adds.
    pub timer_overhead_ns: f64,
    /// Mean per check when 1000 checks are timed together.
    pub batch_mean_ns: f64,
    /// Checks per second, one thread.
    pub throughput_1_thread: f64,
    /// Checks per second, two threads sharing `&World`.
    pub throughput_2_threads: f64,
    /// Checks in the folder bursts (one user, every document of a folder in a row).
    pub burst_checks: usize,
    /// Mean per check in those bursts: the cache-warm cost.
    pub burst_mean_ns: f64,
}

/// One of the heaviest listings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HeavyLookup {
    /// Who.
    pub who: String,
    /// User id.
    pub user: u32,
    /// Documents reached.
    pub documents: usize,
    /// Pages followed.
    pub pages: usize,
    /// Time to follow every cursor to the end.
    pub ms: f64,
}

/// `lookup`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LookupFigures {
    /// Page size.
    pub page: usize,
    /// Users sampled.
    pub sampled: usize,
    /// Latency (all pages) for sampled users reaching at most 10,000 documents.
    pub light: Latency,
    /// Median documents those users reach.
    pub light_documents_p50: u64,
    /// Most documents one of those users reaches.
    pub light_documents_max: u64,
    /// Most pages one of those users needed.
    pub light_pages_max: usize,
    /// Latency for sampled users reaching more.
    pub heavy_in_sample: Latency,
    /// The heaviest principals.
    pub heavy: Vec<HeavyLookup>,
}

/// Cedar, same run, same stream.
#[cfg_attr(not(feature = "cedar"), allow(dead_code))]
#[derive(Clone, Debug, Default, Serialize)]
pub struct CedarFigures {
    /// Requests Cedar evaluated (a prefix of the stream).
    pub requests: usize,
    /// Distinct folders and documents those requests touch (Cedar's resources).
    pub distinct_objects: usize,
    /// Entities and build times.
    #[cfg(feature = "cedar")]
    pub stats: adam_bench::cedar::Stats,
    /// Total time to build Cedar's model (compile + entity store + policies).
    pub build_s: f64,
    /// Time to build the `Request` values (not counted in the latencies).
    pub request_build_s: f64,
    /// Resident memory the model (entities and policies) added.
    pub rss_model_mib: f64,
    /// Resident memory the prepared `Request` values added.
    pub rss_requests_mib: f64,
    /// Share of requests allowed.
    pub allowed_share: f64,
    /// `is_authorized` per call.
    pub per_call: Latency,
    /// Ours on exactly the same requests (per call).
    pub ours_same_requests: Latency,
    /// Mean when 1000 are timed together.
    pub batch_mean_ns: f64,
    /// Decisions per second on two threads.
    pub throughput_2_threads: f64,
}

/// Cedar's figure divided by ours: how many times faster we are.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ratios {
    /// p50 (per call, same requests).
    pub p50: f64,
    /// p99 (per call, same requests).
    pub p99: f64,
    /// Batch means.
    pub batch_mean: f64,
    /// Two-thread throughput: ours / Cedar's.
    pub throughput_2_threads: f64,
}

/// The correctness gate.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Gate {
    /// Requests compared with Cedar.
    pub check_compared: usize,
    /// Requests where `check ≥ L` differs from Cedar's `Allow`.
    pub check_mismatches: usize,
    /// Requests where Cedar reported evaluation errors.
    pub cedar_errors: usize,
    /// Requests our engine refused with an error.
    pub check_errors: usize,
    /// `lookup` listings compared with brute force.
    pub lookup_users_compared: usize,
    /// Objects in those brute-force answers.
    pub lookup_objects_compared: usize,
    /// Listings that differ.
    pub lookup_mismatches: usize,
    /// Time of the brute-force comparison.
    pub lookup_gate_s: f64,
    /// Whether everything agreed.
    pub passed: bool,
    /// The first disagreements, with explanations.
    pub first_mismatches: Vec<String>,
}

/// A goal from the issue, met or missed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Goal {
    /// What.
    pub goal: String,
    /// The measured figure.
    pub measured: String,
    /// Met or not.
    pub met: bool,
}

/// The whole report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// The command line.
    pub command: String,
    /// The machine.
    pub machine: Machine,
    /// The world's configuration.
    pub config: Config,
    /// The level checks and listings are measured at.
    pub level: u8,
    /// The generated world.
    pub world: Summary,
    /// Sizes of the engine's records.
    pub record_bytes: RecordBytes,
    /// Build time and memory.
    pub build: Build,
    /// `check`.
    pub check: CheckFigures,
    /// `lookup`.
    pub lookup: LookupFigures,
    /// Cedar.
    pub cedar: Option<CedarFigures>,
    /// Cedar / ours.
    pub ratios: Option<Ratios>,
    /// Correctness.
    pub gate: Gate,
    /// Goals.
    pub goals: Vec<Goal>,
}

fn us(ns: u64) -> String {
    format!("{:.2} µs", ns as f64 / 1e3)
}
fn ms(ns: u64) -> String {
    format!("{:.2} ms", ns as f64 / 1e6)
}

impl Report {
    /// An empty report for this configuration.
    pub fn new(config: &Config, level: Level, command: String) -> Report {
        Report {
            command,
            machine: Machine::detect(),
            config: config.clone(),
            level: level.value(),
            record_bytes: RecordBytes::measure(),
            ..Report::default()
        }
    }

    /// Computes the ratios and the goals.
    pub fn finish(&mut self) {
        let goal = |goal: &str, measured: String, met: bool| Goal {
            goal: goal.to_owned(),
            measured,
            met,
        };
        let c = &self.check.per_call;
        let mut goals = vec![
            goal("check p50 ≤ 1 µs", us(c.p50_ns), c.p50_ns <= 1_000),
            goal("check p99 ≤ 5 µs", us(c.p99_ns), c.p99_ns <= 5_000),
        ];
        if let Some(cedar) = &self.cedar {
            let ours = &cedar.ours_same_requests;
            let r = Ratios {
                p50: cedar.per_call.p50_ns as f64 / ours.p50_ns.max(1) as f64,
                p99: cedar.per_call.p99_ns as f64 / ours.p99_ns.max(1) as f64,
                batch_mean: cedar.batch_mean_ns / self.check.batch_mean_ns.max(1e-9),
                throughput_2_threads: self.check.throughput_2_threads / cedar.throughput_2_threads.max(1e-9),
            };
            goals.push(goal(
                "2-thread throughput ≥ 10× Cedar's",
                format!(
                    "{:.1}× ({:.0}/s vs {:.0}/s)",
                    r.throughput_2_threads, self.check.throughput_2_threads, cedar.throughput_2_threads
                ),
                r.throughput_2_threads >= 10.0,
            ));
            self.ratios = Some(r);
        }
        let l = &self.lookup.light;
        goals.push(goal(
            "lookup p50 ≤ 5 ms (users reaching ≤ 10k documents)",
            ms(l.p50_ns),
            l.count > 0 && l.p50_ns <= 5_000_000,
        ));
        goals.push(goal(
            "lookup p99 ≤ 20 ms (users reaching ≤ 10k documents)",
            ms(l.p99_ns),
            l.count > 0 && l.p99_ns <= 20_000_000,
        ));
        let b = &self.build;
        let (median, per_million) = if b.fresh_restore_s.is_empty() {
            (b.restore_s, b.restore_s_per_million_entries)
        } else {
            (b.restore_median_s, b.restore_median_s_per_million_entries)
        };
        goals.push(goal(
            "cold build ≤ 2 s per 1M ACL entries",
            format!(
                "median {median:.2} s for {} entries = {per_million:.2} s per million (runs {:.2}–{:.2} s)",
                b.entries,
                b.restore_min_s.min(b.restore_s),
                b.fresh_restore_s.iter().copied().fold(b.restore_s, f64::max)
            ),
            per_million <= 2.0,
        ));
        goals.push(goal(
            "≤ 1 GiB resident (the world after build)",
            format!("{:.0} MiB", b.rss_after_build_mib),
            b.rss_after_build_mib <= 1024.0,
        ));
        self.goals = goals;
    }

    /// Prints the summary table.
    pub fn print(&self) {
        println!();
        println!("== summary ==");
        if let (Some(c), Some(r)) = (&self.cedar, &self.ratios) {
            println!(
                "same {} requests — ADAM p50 {} p99 {} | Cedar p50 {} p99 {} | Cedar/ADAM p50 {:.1}×, p99 {:.1}×, batch mean {:.1}×; \
                 2-thread throughput ADAM/Cedar {:.1}×",
                c.requests,
                us(c.ours_same_requests.p50_ns),
                us(c.ours_same_requests.p99_ns),
                us(c.per_call.p50_ns),
                us(c.per_call.p99_ns),
                r.p50,
                r.p99,
                r.batch_mean,
                r.throughput_2_threads
            );
        }
        println!(
            "gate: {} checks compared with Cedar, {} mismatches, {} Cedar errors; {} listings compared with brute force \
             ({} objects), {} mismatches → {}",
            self.gate.check_compared,
            self.gate.check_mismatches,
            self.gate.cedar_errors,
            self.gate.lookup_users_compared,
            self.gate.lookup_objects_compared,
            self.gate.lookup_mismatches,
            if self.gate.passed { "PASSED" } else { "FAILED" }
        );
        for g in &self.goals {
            println!("[{}] {}: {}", if g.met { "met" } else { "MISSED" }, g.goal, g.measured);
        }
    }
}
