//! Sleeping until a wall-clock instant in a way that survives suspend.
//!
//! tokio's timers run on `CLOCK_MONOTONIC`, which on Linux stops while the computer sleeps: a
//! post due at 09:00 would go out 09:00 + however long the lid was closed. On Linux the
//! scheduler sleeps on a `timerfd` armed on `CLOCK_REALTIME` at the absolute due instant
//! (`TFD_TIMER_ABSTIME`), so it fires as soon as the computer is awake past that instant, and
//! with `TFD_TIMER_CANCEL_ON_SET`, so a clock change (NTP step, the user setting the time)
//! wakes it at once (`ECANCELED`) to look at the due list again. Other systems fall back to
//! tokio's sleep for the remaining duration.

use chrono::{DateTime, Utc};

/// Why a wall-clock sleep ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WallWake {
    /// The instant was reached.
    Reached,
    /// The wall clock was set (a discontinuous change): the instant may have moved.
    ClockSet,
}

/// A timerfd as tokio's `AsyncFd` wants it (nix's `TimerFd` implements only `AsFd`).
#[cfg(target_os = "linux")]
struct Timer(nix::sys::timerfd::TimerFd);

#[cfg(target_os = "linux")]
impl std::os::fd::AsRawFd for Timer {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsFd;
        self.0.as_fd().as_raw_fd()
    }
}

/// Sleep until the wall clock reads `at` (at once if it already does).
#[cfg(target_os = "linux")]
pub async fn sleep_until_wall(at: DateTime<Utc>) -> std::io::Result<WallWake> {
    use std::os::fd::{AsFd, AsRawFd};

    use nix::errno::Errno;
    use nix::sys::time::TimeSpec;
    use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
    use tokio::io::unix::AsyncFd;
    use tokio::io::Interest;

    let timer = TimerFd::new(ClockId::CLOCK_REALTIME, TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC)?;
    // An all-zero value would disarm the timer; the epoch itself is long past anyway.
    let secs = at.timestamp().max(0);
    let nanos = if secs == 0 { 1 } else { i64::from(at.timestamp_subsec_nanos()) };
    timer.set(
        Expiration::OneShot(TimeSpec::new(secs, nanos)),
        TimerSetTimeFlags::TFD_TIMER_ABSTIME | TimerSetTimeFlags::TFD_TIMER_CANCEL_ON_SET,
    )?;
    // `AsyncFd` owns the timer, so its descriptor stays open exactly as long as it is
    // registered: the I/O-safety concern behind the deprecation cannot arise here, and the
    // replacement (`register_with_interest`) is `unsafe`, which this workspace forbids.
    #[allow(deprecated)]
    let fd = AsyncFd::with_interest(Timer(timer), Interest::READABLE)?;
    loop {
        let mut ready = fd.readable().await?;
        let read = ready.try_io(|inner| {
            let mut expirations = [0_u8; 8];
            nix::unistd::read(inner.get_ref().0.as_fd().as_raw_fd(), &mut expirations).map_err(std::io::Error::from)
        });
        match read {
            Ok(Ok(_)) => return Ok(WallWake::Reached),
            Ok(Err(e)) if e.raw_os_error() == Some(Errno::ECANCELED as i32) => return Ok(WallWake::ClockSet),
            Ok(Err(e)) => return Err(e),
            Err(_would_block) => continue,
        }
    }
}

/// Sleep until the wall clock reads `at`: elsewhere, tokio's monotonic sleep for the time left.
#[cfg(not(target_os = "linux"))]
pub async fn sleep_until_wall(at: DateTime<Utc>) -> std::io::Result<WallWake> {
    let left = (at - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(left).await;
    Ok(WallWake::Reached)
}

/// A netlink route socket subscribed to link and address changes (an interface coming up, an
/// address assigned or removed): the moments the network may have come back.
#[cfg(target_os = "linux")]
pub struct NetworkChanges(tokio::io::unix::AsyncFd<Socket>);

#[cfg(target_os = "linux")]
struct Socket(std::os::fd::OwnedFd);

#[cfg(target_os = "linux")]
impl std::os::fd::AsRawFd for Socket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0.as_raw_fd()
    }
}

/// `RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR` (linux/rtnetlink.h).
#[cfg(target_os = "linux")]
const ROUTE_GROUPS: u32 = 0x1 | 0x10 | 0x100;

#[cfg(target_os = "linux")]
impl NetworkChanges {
    pub fn open() -> std::io::Result<Self> {
        use std::os::fd::AsRawFd;

        use nix::sys::socket::{bind, socket, AddressFamily, NetlinkAddr, SockFlag, SockProtocol, SockType};
        let fd = socket(
            AddressFamily::Netlink,
            SockType::Raw,
            SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
            SockProtocol::NetlinkRoute,
        )?;
        bind(fd.as_raw_fd(), &NetlinkAddr::new(0, ROUTE_GROUPS))?;
        // As for the timer: `AsyncFd` owns the socket, so the deprecation's concern cannot arise.
        #[allow(deprecated)]
        let fd = tokio::io::unix::AsyncFd::with_interest(Socket(fd), tokio::io::Interest::READABLE)?;
        Ok(Self(fd))
    }

    /// Wait for the next change, reading every message queued with it.
    pub async fn next(&self) -> std::io::Result<()> {
        use std::os::fd::AsRawFd;

        use nix::sys::socket::{recv, MsgFlags};
        let mut buf = [0_u8; 8192];
        loop {
            let mut ready = self.0.readable().await?;
            let mut changed = false;
            loop {
                let read = ready.try_io(|s| {
                    recv(s.get_ref().0.as_raw_fd(), &mut buf, MsgFlags::empty()).map_err(std::io::Error::from)
                });
                match read {
                    Ok(Ok(_)) => changed = true,
                    // The kernel dropped messages for lack of room: there were changes.
                    Ok(Err(e)) if e.raw_os_error() == Some(nix::errno::Errno::ENOBUFS as i32) => changed = true,
                    Ok(Err(e)) => return Err(e),
                    Err(_would_block) => break,
                }
            }
            if changed {
                return Ok(());
            }
        }
    }
}

/// Elsewhere Herald does not watch the network; retries' backoff covers it coming back.
#[cfg(not(target_os = "linux"))]
pub struct NetworkChanges;

#[cfg(not(target_os = "linux"))]
impl NetworkChanges {
    pub fn open() -> std::io::Result<Self> {
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no network watch on this system"))
    }

    pub async fn next(&self) -> std::io::Result<()> {
        std::future::pending().await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn a_timer_armed_200_ms_ahead_fires_once_at_that_wall_time() {
        let at = Utc::now() + chrono::Duration::milliseconds(200);
        let start = Instant::now();
        assert_eq!(sleep_until_wall(at).await.unwrap(), WallWake::Reached);
        let slept = start.elapsed().as_millis();
        assert!(Utc::now() >= at, "not before the instant");
        assert!((190..400).contains(&slept), "slept {slept} ms");

        let start = Instant::now();
        let past = Utc::now() - chrono::Duration::seconds(1);
        assert_eq!(sleep_until_wall(past).await.unwrap(), WallWake::Reached);
        assert!(start.elapsed().as_millis() < 50, "an instant already passed fires at once");
    }

    /// In a private network namespace (this thread only), bringing its loopback up is seen. Needs
    /// the right to create a namespace (root, as in CI); says so and passes where it is denied.
    #[test]
    fn an_interface_coming_up_is_seen() {
        let seen = std::thread::spawn(|| {
            if let Err(e) = nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET) {
                eprintln!("skipped: no private network namespace here ({e})");
                return true;
            }
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let changes = NetworkChanges::open().unwrap();
                // Spawned from this thread, `ip` runs in the same private namespace.
                let status = std::process::Command::new("ip").args(["link", "set", "lo", "up"]).status().unwrap();
                assert!(status.success());
                tokio::time::timeout(std::time::Duration::from_secs(2), changes.next()).await.is_ok()
            })
        })
        .join()
        .unwrap();
        assert!(seen, "the interface coming up was reported");
    }
}
