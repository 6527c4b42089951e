//! Writing `--output` (and `--write-baseline`) atomically: a temporary file in
//! the target's directory, renamed over the target, so readers never see a
//! partial report.
//!
//! What is at the path is respected: a symbolic link is written through (its
//! target is replaced, the link stays); a FIFO, device or socket is written
//! to directly (it cannot be replaced by a rename, and must not be); an
//! existing file keeps its permission bits, and a new one gets `0666` less the
//! umask, as any program's output file would. The temporary file is removed
//! when the run is interrupted (SIGINT, SIGTERM, SIGHUP) while it exists.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// Replace the file at `path` (through symlinks) with `contents`, or write
/// them to the FIFO or device there. On failure nothing is left behind.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let target = through_links(path)?;
    let existing = std::fs::metadata(&target).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        if !meta.is_file() {
            // A FIFO, a device, a socket: write to it as it is.
            let mut f = std::fs::OpenOptions::new().write(true).open(&target)?;
            return f.write_all(contents).and_then(|_| f.flush());
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".instrlint-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Created with 0666: the umask applies, as to any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    install_cleanup();
    // `NamedTempFile` deletes itself when dropped before `persist`.
    let mut tmp = builder.tempfile_in(dir)?;
    let _registered = Registered::new(tmp.path());
    if let Some(meta) = &existing {
        // An existing file keeps its mode (umask or not).
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    stall_for_tests(dir);
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Debug builds only: with `INSTRLINT_TEST_STALL_OUTPUT` set, wait here (the
/// temporary file exists) until a signal ends the run, at most a minute, so
/// that the tests can interrupt a run at this point.
fn stall_for_tests(_dir: &Path) {
    #[cfg(debug_assertions)]
    if std::env::var_os("INSTRLINT_TEST_STALL_OUTPUT").is_some() {
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// `path` with every symbolic link along its last component followed (a
/// dangling link gives the path it points to, which is then created).
fn through_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Temporary files to remove if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Keeps a temporary file's path registered for removal on a signal.
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Self {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.to_path_buf());
        }
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|x| *x != self.0);
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove the pending temporary files, then die
/// of the signal as if it had not been caught.
fn install_cleanup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("instrlint-signals".to_string())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        if let Ok(p) = PENDING.lock() {
                            for path in p.iter() {
                                let _ = std::fs::remove_file(path);
                            }
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        std::process::exit(128 + signal);
                    }
                });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directory_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing").join("out.json");
        assert!(write(&target, b"x").is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn replaces_existing_file_completely() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        std::fs::write(&target, "a much longer previous report\n").unwrap();
        write(&target, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn target_is_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write(dir.path(), b"x").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
