//! A CPU cap on one process, through a Linux control group of its own: what `--server-cpus`
//! gives each `serve` process, so that whether a second process adds capacity can be measured
//! on a machine whose cores the load generator and the database already share (as if each
//! process had cores of its own, as on separate hosts).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// The scheduler's accounting period, in microseconds (the kernel's default).
const PERIOD_US: u64 = 100_000;

/// A control group holding one process, removed when dropped (after the process has ended).
pub(crate) struct CpuCap {
    dir: PathBuf,
}

impl CpuCap {
    /// Moves process `pid` into a new control group allowed `cpus` CPUs (0.25 is a quarter of
    /// one core's time in every period). Needs write access to the `cpu` controller: cgroup v2
    /// at `/sys/fs/cgroup` or v1 at `/sys/fs/cgroup/cpu`.
    pub(crate) fn apply(pid: u32, cpus: f64) -> anyhow::Result<Self> {
        if !(cpus > 0.0 && cpus.is_finite()) {
            bail!("--server-cpus: give a number of CPUs above 0, such as 0.5");
        }
        let quota = ((cpus * PERIOD_US as f64) as u64).max(1_000);
        let name = format!("safeguard-bench-{}-{pid}", std::process::id());
        let v2 = Path::new("/sys/fs/cgroup");
        let v1 = Path::new("/sys/fs/cgroup/cpu");
        let (dir, limits) = if has_v2_cpu(v2) {
            (v2.join(&name), vec![("cpu.max", format!("{quota} {PERIOD_US}"))])
        } else if v1.join("cpu.cfs_quota_us").exists() {
            (
                v1.join(&name),
                vec![("cpu.cfs_period_us", PERIOD_US.to_string()), ("cpu.cfs_quota_us", quota.to_string())],
            )
        } else {
            bail!("--server-cpus: no writable cpu control group here (needs Linux cgroups, as root)");
        };
        std::fs::create_dir(&dir).with_context(|| format!("--server-cpus: cannot create {}", dir.display()))?;
        let cap = Self { dir };
        for (file, value) in limits {
            write(&cap.dir.join(file), &value)?;
        }
        // `cgroup.procs` moves every thread of the process, those started later included.
        write(&cap.dir.join("cgroup.procs"), &pid.to_string())?;
        Ok(cap)
    }
}

impl Drop for CpuCap {
    fn drop(&mut self) {
        // Fails while a process is still in it; the caller drops this after the process ended.
        let _ = std::fs::remove_dir(&self.dir);
    }
}

fn has_v2_cpu(root: &Path) -> bool {
    std::fs::read_to_string(root.join("cgroup.subtree_control")).is_ok_and(|c| c.split_whitespace().any(|w| w == "cpu"))
}

fn write(path: &Path, value: &str) -> anyhow::Result<()> {
    std::fs::write(path, value).with_context(|| format!("--server-cpus: cannot write {value} to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::CpuCap;

    #[test]
    fn a_cap_that_is_not_a_positive_number_is_refused_naming_the_option() {
        for cpus in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let err = CpuCap::apply(std::process::id(), cpus).err().expect("refused").to_string();
            assert!(err.contains("--server-cpus") && err.contains("above 0"), "{err}");
        }
    }
}
