//! The anchor runner of the native benchmark: Cedar's Rust crate (cedar-policy) on one
//! workload folder (bench/workloads/generate.py), timed as bench/README.md describes and as
//! bench/native/cordon_bench.cpp times cordon.
//!
//!   cedar-rust-bench WORKLOAD_DIR [--min-seconds S] [--max-samples N] [--batch B]
//!
//! Policies, entities and requests are parsed before the clock starts; only
//! `Authorizer::is_authorized(&request, &policies, &entities)` is timed. Prints one JSON line.

use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::exit;
use std::str::FromStr;
use std::time::Instant;

struct Options {
    folder: PathBuf,
    min_seconds: f64,
    max_samples: usize,
    batch: usize,
}

fn fail(message: String) -> ! {
    eprintln!("cedar-rust-bench: {message}");
    exit(2)
}

fn read_options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = Options {
        folder: PathBuf::new(),
        min_seconds: 1.0,
        max_samples: 200_000,
        batch: 16,
    };
    let mut i = 0;
    let mut folder = None;
    while i < args.len() {
        let value = |i: usize| {
            args.get(i + 1)
                .unwrap_or_else(|| fail(format!("{} needs a value", args[i])))
                .clone()
        };
        match args[i].as_str() {
            "--min-seconds" => {
                options.min_seconds = value(i).parse().unwrap_or_else(|_| fail("bad --min-seconds".into()))
            }
            "--max-samples" => {
                options.max_samples = value(i).parse().unwrap_or_else(|_| fail("bad --max-samples".into()))
            }
            "--batch" => options.batch = value(i).parse().unwrap_or_else(|_| fail("bad --batch".into())),
            other if !other.starts_with("--") && folder.is_none() => {
                folder = Some(PathBuf::from(other));
                i += 1;
                continue;
            }
            other => fail(format!("unknown argument '{other}'")),
        }
        i += 2;
    }
    options.folder = folder.unwrap_or_else(|| {
        fail("usage: cedar-rust-bench WORKLOAD_DIR [--min-seconds S] [--max-samples N] [--batch B]".into())
    });
    if options.batch == 0 {
        fail("--batch must be at least 1".into());
    }
    options
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read_text(path)).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
}

/// One request ready to time, with the set it belongs to; None where Cedar refused to build it
/// (or its set's policies or entities): decided 'E' and not timed.
struct Prepared {
    set: usize,
    request: Option<Request>,
}

fn build_request(r: &Value) -> Option<Request> {
    let uid = |key: &str| EntityUid::from_json(r.get(key)?.clone()).ok();
    let context = match r.get("context") {
        None | Some(Value::Null) => Context::empty(),
        Some(c) => Context::from_json_value(c.clone(), None).ok()?,
    };
    Request::new(uid("principal")?, uid("action")?, uid("resource")?, context, None).ok()
}

/// 64-bit FNV-1a of the decisions string, as cordon_bench.cpp computes it.
fn fnv1a64(text: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn peak_rss_kib() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return -1;
    }
    usage.ru_maxrss as i64 // KiB on Linux
}

/// How busy the machine was: the 1-minute load average at the end.
fn loadavg_1m() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(-1.0)
}

fn main() {
    let options = read_options();
    let workload = read_json(&options.folder.join("workload.json"));
    let name = workload["name"]
        .as_str()
        .unwrap_or_else(|| fail("workload.json has no name".into()))
        .to_string();
    let sets = workload["sets"]
        .as_array()
        .unwrap_or_else(|| fail("workload.json has no sets".into()));

    // Parsing: not timed.
    let mut policy_sets: Vec<Option<PolicySet>> = Vec::new();
    let mut entity_sets: Vec<Option<Entities>> = Vec::new();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut policy_count = 0usize;
    for (index, set) in sets.iter().enumerate() {
        let file = |key: &str| {
            options
                .folder
                .join(set[key].as_str().unwrap_or_else(|| fail(format!("a set has no {key}"))))
        };
        let policies = PolicySet::from_str(&read_text(&file("policies"))).ok();
        if let Some(p) = &policies {
            policy_count += p.policies().count();
        }
        let entities = Entities::from_json_str(&read_text(&file("entities")), None).ok();
        let usable = policies.is_some() && entities.is_some();
        policy_sets.push(policies);
        entity_sets.push(entities);
        let requests = read_json(&file("requests"));
        for r in requests
            .as_array()
            .unwrap_or_else(|| fail("requests must be a JSON array".into()))
        {
            prepared.push(Prepared {
                set: index,
                request: if usable { build_request(r) } else { None },
            });
        }
    }

    let authorizer = Authorizer::new();
    let decide = |p: &Prepared| -> Option<Decision> {
        let request = p.request.as_ref()?;
        let answer = authorizer.is_authorized(request, policy_sets[p.set].as_ref()?, entity_sets[p.set].as_ref()?);
        Some(answer.decision())
    };
    let decisions: String = prepared
        .iter()
        .map(|p| match decide(p) {
            Some(Decision::Allow) => 'A',
            Some(Decision::Deny) => 'D',
            None => 'E',
        })
        .collect();
    let timed: Vec<&Prepared> = prepared.iter().filter(|p| p.request.is_some()).collect();

    // One sample: the mean of `batch` consecutive calls with one request.
    let sample = |p: &Prepared| -> f64 {
        let request = p.request.as_ref().unwrap();
        let policies = policy_sets[p.set].as_ref().unwrap();
        let entities = entity_sets[p.set].as_ref().unwrap();
        let start = Instant::now();
        for _ in 0..options.batch {
            black_box(authorizer.is_authorized(black_box(request), policies, entities));
        }
        start.elapsed().as_nanos() as f64 / options.batch as f64
    };
    for p in &timed {
        // Warm-up round: one call per request (a round of batches would double the time of
        // the slow workloads for nothing).
        black_box(authorizer.is_authorized(
            p.request.as_ref().unwrap(),
            policy_sets[p.set].as_ref().unwrap(),
            entity_sets[p.set].as_ref().unwrap(),
        ));
    }
    let mut samples: Vec<f64> = Vec::new();
    let clock = Instant::now();
    let mut rounds = 0usize;
    while !timed.is_empty() {
        for p in &timed {
            samples.push(sample(p));
        }
        rounds += 1;
        if clock.elapsed().as_secs_f64() >= options.min_seconds || samples.len() >= options.max_samples {
            break;
        }
    }
    let seconds = clock.elapsed().as_secs_f64();
    let mean = if samples.is_empty() {
        0.0
    } else {
        samples.iter().sum::<f64>() / samples.len() as f64
    };
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());

    let count = |c: char| decisions.chars().filter(|&d| d == c).count();
    let line = json!({
        "build": "native",
        "engine": "cedar-rust",
        "engine_version": format!("cedar-policy {}", env!("CEDAR_POLICY_VERSION")),
        "workload": name,
        "call": "Authorizer::is_authorized",
        "sets": sets.len(),
        "policies": policy_count,
        "requests": prepared.len(),
        "timed_requests": timed.len(),
        "batch": options.batch,
        "rounds": rounds,
        "samples": samples.len(),
        "seconds": seconds,
        "p50_ns": percentile(&samples, 0.50),
        "p99_ns": percentile(&samples, 0.99),
        "mean_ns": mean,
        "min_ns": samples.first().copied().unwrap_or(0.0),
        "max_ns": samples.last().copied().unwrap_or(0.0),
        "allow": count('A'),
        "deny": count('D'),
        "not_built": count('E'),
        "decisions_fnv1a64": fnv1a64(&decisions),
        "decisions": decisions,
        "peak_rss_kib": peak_rss_kib(),
        "loadavg_1m": loadavg_1m(),
    });
    println!("{line}");
}
