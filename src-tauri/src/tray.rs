//! The tray icon and its menu: Open Herald, one item per account needing attention (click →
//! that account's reconnect), Pause/Resume publishing, Quit. Rebuilt when the accounts change;
//! the icon carries a dot while any account needs attention. Labels follow the app's language.

use std::sync::Arc;

use herald_core::api::{Account, AccountStatus};
use herald_core::Herald;
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};

use crate::window;

const TRAY_ID: &str = "herald";
const OPEN: &str = "open";
const PAUSE: &str = "pause";
const QUIT: &str = "quit";
const RECONNECT_PREFIX: &str = "reconnect:";

const ICON: &[u8] = include_bytes!("../../icons/tray.png");
/// `icons/tray.png` with a red dot (`icons/make-tray-icons.sh` makes both).
const ICON_ATTENTION: &[u8] = include_bytes!("../../icons/tray-attention.png");

/// The languages Herald's own words exist in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    It,
}

impl Lang {
    /// The language chosen in Settings, else the system's (as the UI decides).
    pub async fn of(herald: &Herald) -> Self {
        let chosen = herald.locale().await.ok().flatten();
        let system = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|key| std::env::var(key).ok())
            .find(|value| !value.is_empty());
        Self::resolve(chosen.as_deref(), system.as_deref())
    }

    pub fn resolve(chosen: Option<&str>, system: Option<&str>) -> Self {
        match chosen.or(system) {
            Some(tag) if tag.to_ascii_lowercase().starts_with("it") => Self::It,
            _ => Self::En,
        }
    }
}

/// The menu's words in one language.
pub struct Labels {
    pub open: &'static str,
    pub pause: &'static str,
    pub quit: &'static str,
    pub tooltip: &'static str,
    pub tooltip_attention: &'static str,
}

pub fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            open: "Open Herald",
            pause: "Pause publishing",
            quit: "Quit Herald",
            tooltip: "Herald",
            tooltip_attention: "Herald: an account needs reconnecting",
        },
        Lang::It => Labels {
            open: "Apri Herald",
            pause: "Sospendi pubblicazione",
            quit: "Esci da Herald",
            tooltip: "Herald",
            tooltip_attention: "Herald: un account va ricollegato",
        },
    }
}

/// "Reconnect Forno Rossi (Facebook)" for an account needing attention.
pub fn reconnect_label(lang: Lang, account: &Account) -> String {
    let network = account.network.name();
    match lang {
        Lang::En => format!("Reconnect {} ({network})", account.display_name),
        Lang::It => format!("Ricollega {} ({network})", account.display_name),
    }
}

/// What the menu shows, computed from the core's state.
pub struct Model {
    pub lang: Lang,
    /// (account id, label) per account needing attention, in the accounts list's order.
    pub attention: Vec<(String, String)>,
    pub paused: bool,
}

pub fn needs_attention(account: &Account) -> bool {
    matches!(account.status, AccountStatus::NeedsReconnect | AccountStatus::Disconnected)
}

pub fn model(lang: Lang, accounts: &[Account], paused: bool) -> Model {
    let attention =
        accounts.iter().filter(|a| needs_attention(a)).map(|a| (a.id.clone(), reconnect_label(lang, a))).collect();
    Model { lang, attention, paused }
}

async fn current_model(herald: &Herald) -> Model {
    let lang = Lang::of(herald).await;
    let accounts = match herald.accounts().await {
        Ok(accounts) => accounts,
        Err(e) => {
            tracing::warn!("tray: could not list the accounts: {e}");
            Vec::new()
        }
    };
    model(lang, &accounts, herald.publishing_paused())
}

fn menu(app: &AppHandle, model: &Model) -> tauri::Result<Menu<tauri::Wry>> {
    let words = labels(model.lang);
    let menu = Menu::new(app)?;
    menu.append(&MenuItem::with_id(app, OPEN, words.open, true, None::<&str>)?)?;
    if !model.attention.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        for (id, label) in &model.attention {
            let item_id = format!("{RECONNECT_PREFIX}{id}");
            menu.append(&MenuItem::with_id(app, item_id, label, true, None::<&str>)?)?;
        }
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&CheckMenuItem::with_id(app, PAUSE, words.pause, true, model.paused, None::<&str>)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, QUIT, words.quit, true, None::<&str>)?)?;
    Ok(menu)
}

fn apply(app: &AppHandle, model: &Model) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return Ok(());
    };
    let words = labels(model.lang);
    let attention = !model.attention.is_empty();
    tray.set_menu(Some(menu(app, model)?))?;
    tray.set_icon(Some(Image::from_bytes(if attention { ICON_ATTENTION } else { ICON })?))?;
    tray.set_tooltip(Some(if attention { words.tooltip_attention } else { words.tooltip }))?;
    Ok(())
}

/// Rebuild the menu and icon from the core's current state.
pub fn refresh(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let herald = app.state::<crate::AppState>().herald.clone();
        let model = current_model(&herald).await;
        tracing::debug!(attention = model.attention.len(), paused = model.paused, "tray rebuilt");
        let handle = app.clone();
        // Menus are GTK objects: built on the main thread.
        let _ = app.run_on_main_thread(move || {
            if let Err(e) = apply(&handle, &model) {
                tracing::warn!("could not update the tray: {e}");
            }
        });
    });
}

/// Create the tray icon (its menu follows shortly, once the core answered).
pub fn install(app: &AppHandle, herald: &Arc<Herald>) -> tauri::Result<()> {
    let placeholder =
        Menu::with_items(app, &[&MenuItem::with_id(app, OPEN, labels(Lang::En).open, true, None::<&str>)?])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(ICON)?)
        .tooltip(labels(Lang::En).tooltip)
        .menu(&placeholder)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu)
        .on_tray_icon_event(|tray, event| {
            // Reported on Windows and macOS; on Linux the menu's "Open Herald" does this.
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                window::open(tray.app_handle(), None);
            }
        })
        .build(app)?;
    refresh(app);
    let mut events = herald.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(herald_core::CoreEvent::AccountsChanged) | Err(RecvError::Lagged(_)) => refresh(&app),
                // Posts and notifications leave the menu as it is.
                Ok(_) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
    Ok(())
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        OPEN => window::open(app, None),
        QUIT => {
            tracing::info!("quit from the tray");
            app.exit(0);
        }
        PAUSE => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let herald = app.state::<crate::AppState>().herald.clone();
                let paused = !herald.publishing_paused();
                match herald.set_publishing_paused(paused).await {
                    Ok(()) => tracing::info!(paused, "publishing paused from the tray"),
                    Err(e) => tracing::warn!("could not pause or resume publishing: {e}"),
                }
                refresh(&app);
            });
        }
        other => {
            if let Some(account_id) = other.strip_prefix(RECONNECT_PREFIX) {
                window::open(app, Some(account_id.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_core::api::AccountKind;
    use herald_core::NetworkId;

    fn account(id: &str, name: &str, network: NetworkId, status: AccountStatus) -> Account {
        Account {
            id: id.into(),
            network,
            external_id: format!("ext-{id}"),
            kind: AccountKind::Page,
            display_name: name.into(),
            avatar_url: None,
            status,
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
    fn only_accounts_needing_reconnect_or_disconnected_are_listed() {
        let accounts = [
            account("a", "Forno Rossi", NetworkId::Facebook, AccountStatus::Connected),
            account("b", "Forno Rossi", NetworkId::Instagram, AccountStatus::NeedsReconnect),
            account("c", "Forno", NetworkId::X, AccountStatus::Disconnected),
        ];
        let m = model(Lang::En, &accounts, false);
        let ids: Vec<&str> = m.attention.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(m.attention[0].1, "Reconnect Forno Rossi (Instagram)");
        let it = model(Lang::It, &accounts, true);
        assert_eq!(it.attention[1].1, format!("Ricollega Forno ({})", NetworkId::X.name()));
        assert!(it.paused);
    }

    #[test]
    fn language_follows_the_setting_then_the_system() {
        assert_eq!(Lang::resolve(Some("it"), Some("en_US.UTF-8")), Lang::It);
        assert_eq!(Lang::resolve(Some("en"), Some("it_IT.UTF-8")), Lang::En);
        assert_eq!(Lang::resolve(None, Some("it_IT.UTF-8")), Lang::It);
        assert_eq!(Lang::resolve(None, None), Lang::En);
        assert_eq!(labels(Lang::It).open, "Apri Herald");
    }

    #[test]
    fn both_tray_icons_decode() {
        for bytes in [ICON, ICON_ATTENTION] {
            let image = Image::from_bytes(bytes).unwrap_or_else(|e| panic!("tray icon: {e}"));
            assert!(image.width() >= 16 && image.width() == image.height());
        }
        assert_ne!(ICON, ICON_ATTENTION);
    }
}
