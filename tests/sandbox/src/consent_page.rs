//! HTML pages a person sees in the browser: the consent screen and authorization error pages.
//! Plain HTML with inline CSS, no JavaScript.

use crate::http::html_escape;

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  background: #f0f4f9; color: #1f1f1f; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: min(480px, 94vw); background: #fff; border-radius: 28px; padding: 36px 40px 28px;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.brand { display: flex; align-items: center; gap: 10px; font-size: 15px; color: #444746; }
.logo { font-weight: 700; letter-spacing: -.5px; font-size: 20px; }
.logo span:nth-child(1) { color: #4285f4; } .logo span:nth-child(2) { color: #ea4335; }
.logo span:nth-child(3) { color: #fbbc05; } .logo span:nth-child(4) { color: #4285f4; }
.logo span:nth-child(5) { color: #34a853; } .logo span:nth-child(6) { color: #ea4335; }
.badge { margin-left: auto; font-size: 12px; padding: 2px 10px; border-radius: 999px;
  background: #fef7e0; color: #7a4f01; border: 1px solid #f9e0a2; }
h1 { font-size: 24px; font-weight: 400; margin: 24px 0 4px; }
.sub { margin: 0 0 20px; color: #444746; }
.client { font-size: 13px; color: #5f6368; word-break: break-all; }
fieldset { border: 1px solid #dadce0; border-radius: 12px; margin: 0 0 14px; padding: 10px 16px 12px; }
legend { padding: 0 6px; font-weight: 600; }
label { display: flex; align-items: center; gap: 10px; padding: 6px 0; cursor: pointer; }
input[type=checkbox] { width: 18px; height: 18px; accent-color: #0b57d0; }
.muted { color: #5f6368; font-size: 14px; }
/* Allow comes first in the markup so Enter submits it; shown right of Cancel. */
.actions { display: flex; flex-direction: row-reverse; justify-content: flex-start; gap: 12px; margin-top: 24px; }
button { font: inherit; font-weight: 500; border-radius: 999px; padding: 9px 24px; cursor: pointer; border: 0; }
button.secondary { background: transparent; color: #0b57d0; }
button.primary { background: #0b57d0; color: #fff; }
button:focus-visible, input:focus-visible { outline: 3px solid #a8c7fa; outline-offset: 2px; }
.error h1 { color: #b3261e; }
code { background: #f1f3f4; padding: 1px 5px; border-radius: 4px; font-size: 14px; }
"#;

const LOGO: &str = r#"<span class="logo" aria-hidden="true"><span>G</span><span>o</span><span>o</span><span>g</span><span>l</span><span>e</span></span>"#;

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n{body}\n</body>\n</html>\n",
        html_escape(title)
    )
}

/// One account and its locations, as shown on the consent screen.
pub(crate) struct ConsentAccount<'a> {
    pub account_name: &'a str,
    /// `(location name, title)` pairs.
    pub locations: Vec<(&'a str, &'a str)>,
}

/// What the consent screen shows.
pub(crate) struct ConsentView<'a> {
    pub request_id: &'a str,
    pub form_action: &'a str,
    pub client_name: &'a str,
    pub client_id: &'a str,
    pub redirect_origin: &'a str,
    pub accounts: Vec<ConsentAccount<'a>>,
}

/// The Google consent screen: one checkbox per location, grouped by account, all checked.
pub(crate) fn consent(view: &ConsentView<'_>) -> String {
    let mut groups = String::new();
    for account in &view.accounts {
        groups.push_str(&format!("<fieldset>\n<legend>{}</legend>\n", html_escape(account.account_name)));
        for (name, title) in &account.locations {
            groups.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"location\" value=\"{}\" checked> \
                 <span>{}<br><span class=\"muted\">{}</span></span></label>\n",
                html_escape(name),
                html_escape(title),
                html_escape(name)
            ));
        }
        groups.push_str("</fieldset>\n");
    }
    if view.accounts.is_empty() {
        groups.push_str("<p class=\"muted\">This Google account has no Business Profile locations.</p>\n");
    }
    let client = html_escape(view.client_name);
    let body = format!(
        "<main>\n<div class=\"brand\">{LOGO}<span>Sign in with Google</span>\
         <span class=\"badge\">sandbox</span></div>\n\
         <h1>{client} wants to manage your Business Profile</h1>\n\
         <p class=\"sub\">Choose the business locations {client} may see and post to.</p>\n\
         <form method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\n\
         {groups}\
         <p class=\"muted\">{client} will be able to <strong>see, edit, create and delete your \
         Google Business Profile</strong> listings you select \
         (<code>business.manage</code>).</p>\n\
         <p class=\"client\">Client: {client_id}<br>After you choose, you will return to \
         {origin}</p>\n\
         <div class=\"actions\">\n\
         <button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Cancel</button>\n\
         </div>\n</form>\n</main>",
        action = html_escape(view.form_action),
        request_id = html_escape(view.request_id),
        client_id = html_escape(view.client_id),
        origin = html_escape(view.redirect_origin),
    );
    document("Sign in with Google (Herald sandbox)", &body)
}

/// Google's "Access blocked" page: `Error {status}: {error}` plus the reason.
pub(crate) fn error_page(status: u16, error: &str, reason: &str) -> String {
    let heading = format!("Error {status}: {error}");
    let body = format!(
        "<main class=\"error\">\n<div class=\"brand\">{LOGO}<span>Sign in with Google</span>\
         <span class=\"badge\">sandbox</span></div>\n\
         <h1>Access blocked: this request is invalid</h1>\n\
         <p><strong>{}</strong></p>\n<p class=\"muted\">{}</p>\n</main>",
        html_escape(&heading),
        html_escape(reason)
    );
    document(&heading, &body)
}

/// What the consent screen of Facebook, Instagram, LinkedIn or X shows.
pub(crate) struct NetworkConsentView<'a> {
    /// "Facebook", "Instagram", "LinkedIn" or "X".
    pub brand: &'a str,
    pub request_id: &'a str,
    pub form_action: &'a str,
    pub client_id: &'a str,
    pub redirect_origin: &'a str,
    /// `(id, label)` of accounts the person picks from (Facebook Pages); empty for none.
    pub accounts: &'a [(String, String)],
    /// Requested permissions, each a checkbox the person can untick.
    pub scopes: &'a [String],
}

fn brand_bar(brand: &str) -> String {
    format!(
        "<div class=\"brand\"><span class=\"logo\">{}</span><span>Log in with {}</span>\
         <span class=\"badge\">sandbox</span></div>\n",
        html_escape(brand),
        html_escape(brand)
    )
}

/// A network's consent screen: the accounts to pick (all ticked) and the permissions asked for
/// (all ticked; unticking one declines it, as Facebook's "Edit access" does).
pub(crate) fn network_consent(view: &NetworkConsentView<'_>) -> String {
    let mut accounts = String::new();
    if !view.accounts.is_empty() {
        accounts.push_str("<fieldset>\n<legend>Choose what Herald can access</legend>\n");
        for (id, label) in view.accounts {
            accounts.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"account\" value=\"{}\" checked> \
                 <span>{}<br><span class=\"muted\">{}</span></span></label>\n",
                html_escape(id),
                html_escape(label),
                html_escape(id)
            ));
        }
        accounts.push_str("</fieldset>\n");
    }
    let mut scopes = String::from("<fieldset>\n<legend>Permissions</legend>\n");
    for scope in view.scopes {
        scopes.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"scope\" value=\"{0}\" checked> <code>{0}</code></label>\n",
            html_escape(scope)
        ));
    }
    scopes.push_str("</fieldset>\n");
    let brand = html_escape(view.brand);
    let body = format!(
        "<main>\n{bar}<h1>Herald is requesting access to your {brand} account</h1>\n\
         <p class=\"sub\">Untick anything you do not want to share.</p>\n\
         <form method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\n\
         {accounts}{scopes}\
         <p class=\"client\">App: {client_id}<br>After you choose, you will return to {origin}</p>\n\
         <div class=\"actions\">\n\
         <button type=\"submit\" name=\"decision\" value=\"allow\" class=\"primary\">Allow</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Cancel</button>\n\
         </div>\n</form>\n</main>",
        bar = brand_bar(view.brand),
        action = html_escape(view.form_action),
        request_id = html_escape(view.request_id),
        client_id = html_escape(view.client_id),
        origin = html_escape(view.redirect_origin),
    );
    document(&format!("Log in with {} (Herald sandbox)", view.brand), &body)
}

/// A network's authorization error page (never a redirect: the redirect URI is not trusted).
pub(crate) fn network_error_page(brand: &str, status: u16, error: &str, reason: &str) -> String {
    let heading = format!("Error {status}: {error}");
    let body = format!(
        "<main class=\"error\">\n{}<h1>This request is invalid</h1>\n\
         <p><strong>{}</strong></p>\n<p class=\"muted\">{}</p>\n</main>",
        brand_bar(brand),
        html_escape(&heading),
        html_escape(reason)
    );
    document(&format!("{brand}: {heading}"), &body)
}
