//! Helpers for the CLI integration tests: a store in a fresh temporary directory, running the
//! real `gridlog` binary against it, and reading its JSON output.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// What one run of the binary gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Out {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Out {
    /// The non-empty lines of stderr.
    pub fn err_lines(&self) -> Vec<&str> {
        self.stderr.lines().filter(|l| !l.trim().is_empty()).collect()
    }

    /// Stdout parsed as JSON (panics with the whole output when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Panics unless the exit code is 0.
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }
}

/// The init arguments of the test village.
pub const INIT: &[&str] = &[
    "init",
    "--role",
    "village",
    "--division",
    "330782105203",
    "--place",
    "青石村",
    "--worker",
    "李秀英",
    "--grid",
    "第一网格",
];

/// The test village's township, and a neighbouring village under it.
pub const TOWNSHIP: &str = "330782105000";
/// 白沙村, beside the test village under the same township.
pub const OTHER_VILLAGE: &str = "330782105204";

/// A store initialised for `role` at `division`.
pub fn store_at(role: &str, division: &str, place: &str, worker: &str) -> Store {
    let s = Store::empty();
    s.run(&["init", "--role", role, "--division", division, "--place", place, "--worker", worker], None).ok();
    s
}

/// The township above the test village (石桥镇, worker 王主任).
pub fn township() -> Store {
    store_at("township", TOWNSHIP, "石桥镇", "王主任")
}

/// The neighbouring village (白沙村, worker 赵敏).
pub fn other_village() -> Store {
    store_at("village", OTHER_VILLAGE, "白沙村", "赵敏")
}

/// A store in its own temporary directory (removed on drop).
pub struct Store {
    _tmp: TempDir,
    dir: PathBuf,
}

impl Store {
    /// An empty, uninitialised store directory.
    pub fn empty() -> Store {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("store");
        Store { _tmp: tmp, dir }
    }

    /// A store initialised as the test village (worker 李秀英).
    pub fn new() -> Store {
        let s = Store::empty();
        s.run(INIT, None).ok();
        s
    }

    /// The store directory (`--data-dir`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The binary with `--data-dir` set and the locale variables cleared, without `--lang`.
    pub fn bare_cmd(&self) -> Command {
        let mut c = Command::cargo_bin("gridlog").expect("gridlog binary");
        c.arg("--data-dir").arg(&self.dir);
        for v in ["LC_ALL", "LC_MESSAGES", "LANG", "GRIDLOG_DATA_DIR", "GRIDLOG_CACHE_MB"] {
            c.env_remove(v);
        }
        c.timeout(Duration::from_secs(120));
        c
    }

    /// Runs `gridlog --data-dir DIR --lang LANG ARGS`, with `stdin` (if any) on standard input.
    pub fn run_lang(&self, lang: &str, args: &[&str], stdin: Option<&str>) -> Out {
        let mut c = self.bare_cmd();
        c.args(["--lang", lang]).args(args);
        if let Some(s) = stdin {
            c.write_stdin(s.to_string());
        }
        output(&mut c)
    }

    /// Runs `gridlog --data-dir DIR --lang en ARGS` with `stdin` on standard input.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Out {
        self.run_lang("en", args, stdin)
    }

    /// `add KIND` with `input`; returns the outcome.
    pub fn try_add(&self, kind: &str, input: &Value) -> Out {
        self.run(&["add", kind], Some(&input.to_string()))
    }

    /// `add KIND` with `input`, which must succeed; returns the printed id.
    #[track_caller]
    pub fn add(&self, kind: &str, input: &Value) -> String {
        let out = self.try_add(kind, input).ok();
        let id = out.stdout.trim().to_string();
        assert!(!id.is_empty() && !id.contains(char::is_whitespace), "add printed {out:?}");
        id
    }

    /// `act ID ACTION` with `input`.
    pub fn act(&self, id: &str, action: &str, input: &Value) -> Out {
        self.run(&["act", id, action], Some(&input.to_string()))
    }

    /// `list KIND --limit 0 --json` (plus `extra` flags), parsed.
    #[track_caller]
    pub fn list_json(&self, kind: &str, extra: &[&str]) -> Value {
        let mut args = vec!["list", kind, "--limit", "0", "--json"];
        args.extend_from_slice(extra);
        self.run(&args, None).ok().json()
    }

    /// The ids of `list KIND --json EXTRA…`, in the order listed (no `--limit 0` added).
    #[track_caller]
    pub fn list_ids(&self, kind: &str, extra: &[&str]) -> Vec<String> {
        let mut args = vec!["list", kind, "--json"];
        args.extend_from_slice(extra);
        ids(&self.run(&args, None).ok().json())
    }

    /// `show ID --json`, parsed.
    #[track_caller]
    pub fn show_json(&self, id: &str) -> Value {
        self.run(&["show", id, "--json"], None).ok().json()
    }
}

/// Runs a prepared command and collects its outcome.
pub fn output(c: &mut Command) -> Out {
    let o = c.output().expect("run gridlog");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// The `id`s of a JSON array of records.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("a JSON array").iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

/// The device part of a record id (`k3x9w2m7q1p0a-12` → `k3x9w2m7q1p0a`).
pub fn device_of(id: &str) -> &str {
    id.rsplit_once('-').map(|(d, _)| d).expect("an id DEVICE-N")
}

/// A demand received on `received_on`: a HELP request in `domain` (due in 3 working days).
pub fn demand_input(received_on: &str, domain: &str, content: &str) -> Value {
    serde_json::json!({
        "received_on": received_on,
        "channel": "PHONE",
        "requester": "王建国",
        "kind": "HELP",
        "domain": domain,
        "content": content
    })
}

/// A fire hazard at the village shop, found on `found_on`.
pub fn hazard_input(found_on: &str, grade: &str) -> Value {
    serde_json::json!({
        "found_on": found_on,
        "location": "村口小卖部",
        "owner": "BUSINESS",
        "category": "FIRE",
        "description": "灭火器过期",
        "grade": grade
    })
}
