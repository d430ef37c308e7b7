//! Words for signing in, passwords, second factors and the command line: key, Slovenian, English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    (
        "new_password_rules",
        "Vsaj 8 znakov (15 brez dvostopenjske prijave); ne pogosto geslo ali beseda iz slovarja; brez nizov štirih enakih, zaporednih ali sosednjih znakov (aaaa, 1234, qwer) — niz treh je dovoljen v dovolj dolgem geslu; brez vašega imena ali uporabniškega imena; drugačno od trenutnega ali začasnega gesla. Najboljša je fraza iz več besed.",
        "At least 8 characters (15 without a second factor); not a common password or a dictionary word; no run of four equal, consecutive or neighbouring keys (aaaa, 1234, qwer) — a run of three is fine in a long enough password; not your name or username; different from the current or temporary password. A phrase of several words is best.",
    ),
    (
        "mfa_still_pending",
        "Druga stopnja še ni potrjena: vnesite kodo, ki jo aplikacija kaže zdaj. Koda QR in rezervne kode so spodaj.",
        "The second factor is not confirmed yet: type the code the app shows now. The QR code and the backup codes are below.",
    ),
    ("my_tokens", "Moji žetoni API", "My API tokens"),
    ("no_tokens", "Nimate žetonov API.", "You have no API tokens."),
    ("token_account", "Račun", "Account"),
    ("token_name", "Ime", "Name"),
    ("token_prefix", "Začne se z", "Begins with"),
    ("token_issued", "Izdan", "Issued"),
    ("token_last_used", "Nazadnje uporabljen", "Last used"),
    (
        "token_report_lost",
        "Prijavi izgubo ali krajo",
        "Report it lost or stolen",
    ),
    ("token_revoked_at", "preklican", "revoked"),
    (
        "token_lost_hint",
        "Če žeton izgubite ali vam ga ukradejo, to prijavite: takoj preneha delovati, izguba se zabeleži in vodja informacijske varnosti dobi varnostni dogodek (Uredba, 33. člen).",
        "If a token is lost or stolen, report it: it stops working at once, the loss is recorded and the information-security lead gets a security event (Decree, Art. 33).",
    ),
    (
        "token_lost_done",
        "Žeton je preklican; izguba je zabeležena in vodja informacijske varnosti obveščen z varnostnim dogodkom.",
        "The token is revoked; the loss is recorded and the information-security lead told with a security event.",
    ),
];
