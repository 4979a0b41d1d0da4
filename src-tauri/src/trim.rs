//! Giving memory back once the window is gone (Linux). While the window is open, Herald's own
//! process touches WebKit's, JavaScriptCore's and the GL driver's code; once the web view is
//! destroyed none of it runs until the next window, but its pages stay counted to Herald (and,
//! with WebKit's processes gone, to Herald alone). So after a close Herald
//! - returns the allocator's free memory to the system (`malloc_trim`), and
//! - asks the kernel to reclaim the resident pages of its file-backed mappings
//!   (`madvise(MADV_PAGEOUT)`): clean code and read-only data pages are dropped and read back
//!   from the file on the next use, as the kernel would do itself under memory pressure.
//!
//! Neither call changes what memory holds as the program sees it. This module is the
//! workspace's only `unsafe` code: the two foreign calls below.
#![allow(unsafe_code)]

use std::ffi::c_void;

/// What one pass released: mappings advised and the process's PSS before and after (KiB).
#[derive(Debug, Clone, Copy)]
pub struct Released {
    pub mappings: usize,
    pub pss_before_kib: u64,
    pub pss_after_kib: u64,
}

/// Trim the allocator and page out file-backed mappings. Blocking (reads /proc, a few ms).
pub fn release() -> Released {
    let pss_before_kib = own_pss_kib();
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only returns free heap memory to the system; it is thread-safe and
    // touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
    let mut mappings = 0;
    for (start, len) in file_mappings(&std::fs::read_to_string("/proc/self/maps").unwrap_or_default()) {
        // SAFETY: MADV_PAGEOUT is a reclaim hint: the kernel may write pages back or drop clean
        // ones, and a later access reads the same contents back, so no memory the program uses
        // changes. The range is one of this process's own mappings as the kernel listed it; if
        // it was unmapped since, madvise fails with ENOMEM, which is ignored.
        let advised = unsafe { rustix::mm::madvise(start as *mut c_void, len, rustix::mm::Advice::LinuxPageOut) };
        if advised.is_ok() {
            mappings += 1;
        }
    }
    Released { mappings, pss_before_kib, pss_after_kib: own_pss_kib() }
}

/// The (start, length) of every mapping backed by a regular file in `maps` (the format of
/// /proc/self/maps); anonymous memory, shared memory and devices are left alone.
fn file_mappings(maps: &str) -> Vec<(usize, usize)> {
    maps.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(6, ' ');
            let range = fields.next()?;
            let path = fields.nth(4)?.trim_start();
            let shared_memory = path.starts_with("/memfd:") || path.starts_with("/SYSV") || path.starts_with("/dev/");
            if !path.starts_with('/') || shared_memory || path.ends_with(" (deleted)") {
                return None;
            }
            let (start, end) = range.split_once('-')?;
            let start = usize::from_str_radix(start, 16).ok()?;
            let end = usize::from_str_radix(end, 16).ok()?;
            (end > start).then_some((start, end - start))
        })
        .collect()
}

/// This process's proportional set size in KiB (0 if /proc cannot be read).
fn own_pss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/smaps_rollup")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("Pss:")?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_file_mappings_are_paged_out() {
        let maps = "\
55d0c0000000-55d0c0100000 r--p 00000000 fd:01 123 /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1
55d0c0100000-55d0c0200000 rw-p 00000000 00:00 0 
7f0000000000-7f0000001000 rw-s 00000000 00:01 9 /memfd:WebKitSharedMemory (deleted)
7f0000001000-7f0000002000 rw-s 00000000 00:05 9 /SYSV00000000 (deleted)
7f0000002000-7f0000003000 rw-s 00000000 00:05 9 /dev/dri/card0
7f0000003000-7f0000004000 r-xp 00000000 fd:01 77 /opt/herald/herald
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]";
        assert_eq!(
            file_mappings(maps),
            [(0x55d0_c000_0000, 0x10_0000), (0x7f00_0000_3000, 0x1000)],
            "the library and the binary; not anonymous, shared, device or stack memory"
        );
    }

    #[test]
    fn a_pass_runs_on_this_process_and_reads_its_pss() {
        let released = release();
        assert!(released.mappings > 0, "{released:?}");
        assert!(released.pss_before_kib > 0 && released.pss_after_kib > 0, "{released:?}");
    }
}
