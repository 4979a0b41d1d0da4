//! Desktop notifications (the official notification plugin, called from Rust only): the one-time
//! "Herald keeps running in the tray" notice, and an account's expiry warnings and
//! needs-reconnect. Clicking an account's notification opens Herald on its reconnect: the
//! plugin reports a click on Linux too (the Desktop Notifications `default` action, as `tap`)
//! once a handler is registered, and the notification carries the account id in `extra`.

use herald_core::api::Account;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

use crate::tray::Lang;

/// `extra` key holding the account a notification is about.
const ACCOUNT_KEY: &str = "account_id";

/// What the core asks the user to be told about an account (the `health` work's
/// `CoreEvent::Notify { account_id, kind }`; its kinds map here one to one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyKind {
    /// The sign-in expires in this many days (warned at 20, 7 and 1).
    ExpiresInDays(u32),
    /// The account must be reconnected before it can publish again.
    NeedsReconnect,
}

impl From<herald_core::api::NoticeKind> for NotifyKind {
    fn from(kind: herald_core::api::NoticeKind) -> Self {
        use herald_core::api::NoticeKind as N;
        match kind {
            N::Expires20Days => Self::ExpiresInDays(20),
            N::Expires7Days => Self::ExpiresInDays(7),
            N::Expires1Day => Self::ExpiresInDays(1),
            N::NeedsReconnect => Self::NeedsReconnect,
        }
    }
}

/// Title and body of an account notification, in `lang`.
pub fn account_text(lang: Lang, kind: NotifyKind, account: &Account) -> (String, String) {
    let who = format!("{} ({})", account.display_name, account.network.name());
    match (lang, kind) {
        (Lang::En, NotifyKind::ExpiresInDays(1)) => {
            (format!("{who} expires tomorrow"), "Reconnect it now so scheduled posts keep publishing.".into())
        }
        (Lang::En, NotifyKind::ExpiresInDays(days)) => (
            format!("{who} expires in {days} days"),
            "Reconnect it before then so scheduled posts keep publishing.".into(),
        ),
        (Lang::En, NotifyKind::NeedsReconnect) => (
            format!("{who} needs reconnecting"),
            "Herald cannot publish to it until you reconnect. Click to reconnect.".into(),
        ),
        (Lang::It, NotifyKind::ExpiresInDays(1)) => {
            (format!("{who} scade domani"), "Ricollegalo ora perché i post programmati continuino a uscire.".into())
        }
        (Lang::It, NotifyKind::ExpiresInDays(days)) => (
            format!("{who} scade tra {days} giorni"),
            "Ricollegalo prima di allora perché i post programmati continuino a uscire.".into(),
        ),
        (Lang::It, NotifyKind::NeedsReconnect) => (
            format!("{who} va ricollegato"),
            "Herald non può pubblicarvi finché non lo ricolleghi. Fai clic per ricollegarlo.".into(),
        ),
    }
}

/// Title and body of the one-time notice shown the first time the window is closed.
pub fn tray_notice_text(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (
            "Herald keeps running in the tray",
            "Scheduled posts are still published and your connections checked. Quit from the tray icon's menu.",
        ),
        Lang::It => (
            "Herald resta attivo nell'area di notifica",
            "I post programmati escono comunque e i collegamenti restano controllati. Per uscire usa il menu dell'icona.",
        ),
    }
}

pub fn show_tray_notice(app: &AppHandle, lang: Lang) {
    let (title, body) = tray_notice_text(lang);
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => tracing::info!("tray notice shown"),
        Err(e) => tracing::warn!("could not show the tray notice: {e}"),
    }
}

/// Show an account's notification; a click on it opens that account's reconnect.
#[allow(dead_code)] // until the health work emits `CoreEvent::Notify`
pub fn show_account(app: &AppHandle, lang: Lang, kind: NotifyKind, account: &Account) {
    let (title, body) = account_text(lang, kind, account);
    let shown = app
        .notification()
        .builder()
        .id(notification_id(&account.id))
        .title(title)
        .body(body)
        .extra(ACCOUNT_KEY, &account.id)
        .show();
    match shown {
        Ok(()) => tracing::info!(account = %account.id, ?kind, "notification shown"),
        Err(e) => tracing::warn!("could not show a notification: {e}"),
    }
}

/// Show `kind` for the account `account_id` (looked up first for its name): what the core's
/// `CoreEvent::Notify { account_id, kind }` asks for (the core sends each threshold once).
pub fn notify_account(app: &AppHandle, account_id: String, kind: NotifyKind) {
    use tauri::Manager;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let herald = app.state::<crate::AppState>().herald.clone();
        let lang = Lang::of(&herald).await;
        match herald.accounts().await {
            Ok(accounts) => match accounts.iter().find(|a| a.id == account_id) {
                Some(account) => show_account(&app, lang, kind, account),
                None => tracing::debug!("notification for an account that is gone"),
            },
            Err(e) => tracing::warn!("could not read the account to notify about: {e}"),
        }
    });
}

/// One id per account, so a newer notification about it replaces the older one.
fn notification_id(account_id: &str) -> i32 {
    // FNV-1a, folded to a positive i32: stable across runs (unlike the std hasher).
    let hash = account_id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    (hash & 0x7fff_ffff) as i32
}

/// Route clicks on account notifications to the reconnect. Registered once at start.
pub fn install(app: &AppHandle) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let account = performed
            .notification()
            .and_then(|n| n.extra().get(ACCOUNT_KEY))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        tracing::info!(has_account = account.is_some(), "notification clicked");
        let app = handle.clone();
        let _ = handle.run_on_main_thread(move || crate::window::open(&app, account));
    });
    if let Err(e) = registered {
        tracing::warn!("notification clicks will not be reported: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_core::api::{AccountKind, AccountStatus};
    use herald_core::NetworkId;

    fn account() -> Account {
        Account {
            id: "acc-1".into(),
            network: NetworkId::Facebook,
            external_id: "p1".into(),
            kind: AccountKind::Page,
            display_name: "Forno Rossi".into(),
            avatar_url: None,
            status: AccountStatus::NeedsReconnect,
            connected_at: chrono::Utc::now(),
            token_expires_at: None,
            last_checked_at: None,
            last_error: None,
            missing_permissions: Vec::new(),
            status_reason: None,
            status_since: None,
            parent_id: None,
        }
    }

    #[test]
    fn each_kind_is_worded_in_both_languages() {
        let a = account();
        assert_eq!(
            account_text(Lang::En, NotifyKind::ExpiresInDays(20), &a).0,
            "Forno Rossi (Facebook) expires in 20 days"
        );
        assert_eq!(
            account_text(Lang::En, NotifyKind::ExpiresInDays(1), &a).0,
            "Forno Rossi (Facebook) expires tomorrow"
        );
        assert_eq!(
            account_text(Lang::It, NotifyKind::ExpiresInDays(7), &a).0,
            "Forno Rossi (Facebook) scade tra 7 giorni"
        );
        assert_eq!(account_text(Lang::It, NotifyKind::NeedsReconnect, &a).0, "Forno Rossi (Facebook) va ricollegato");
        assert_ne!(tray_notice_text(Lang::En), tray_notice_text(Lang::It));
    }

    #[test]
    fn an_account_keeps_one_positive_notification_id() {
        assert_eq!(notification_id("acc-1"), notification_id("acc-1"));
        assert_ne!(notification_id("acc-1"), notification_id("acc-2"));
        assert!(notification_id("acc-1") >= 0);
    }
}
