//! Words for the responsibility matrices' page (`/ui/raci`, issue #17): key, Slovenian,
//! English.

/// This area's keys.
pub(crate) const WORDS: &[(&str, &str, &str)] = &[
    (
        "raci_title",
        "Matrike odgovornosti (RACI)",
        "Responsibility matrices (RACI)",
    ),
    ("raci_menu", "Odgovornosti", "Responsibilities"),
    (
        "raci_hint",
        "Kdo pri posamezni rešitvi izvaja (R), odgovarja (A), je vprašan (C) ali obveščen (I) za vsako nalogo in plast. Strani so povezane z delovnimi mesti v imeniku, zato odgovor vedno navede osebe, ki delovno mesto zasedajo danes.",
        "Who performs (R), answers for (A), is consulted on (C) or informed of (I) each task at each layer of a solution. The parties are bound to jobs of the directory, so the answer always names the people holding the job today.",
    ),
    (
        "raci_none",
        "Ni matrik, ki bi jih smeli brati.",
        "There is no matrix you may read.",
    ),
    ("raci_solutions", "Rešitve", "Solutions"),
    ("raci_task", "Naloga", "Task"),
    ("raci_layer", "Plast", "Layer"),
    ("raci_ask", "Kdo je odgovoren?", "Who is accountable?"),
    ("raci_accountable", "Odgovoren (A)", "Accountable (A)"),
    ("raci_job", "Delovno mesto", "Job"),
    (
        "raci_people_now",
        "Osebe na delovnem mestu zdaj",
        "People holding the job now",
    ),
    ("raci_nobody", "nihče", "nobody"),
    ("raci_unbound", "ni povezano z imenikom", "not bound to the directory"),
    (
        "raci_no_accountable",
        "Za to nalogo in plast ni odgovorne strani.",
        "Nobody is accountable for this task and layer.",
    ),
    ("raci_party", "Stran", "Party"),
    ("raci_letters", "Črke", "Letters"),
    ("raci_notes", "Opombe", "Notes"),
    ("raci_overridden", "preglašeno", "overridden"),
    ("raci_warning", "Opozorilo", "Warning"),
    (
        "raci_rule",
        "Pravilo: natanko en A na nalogo in plast (predloga pravi »en A na nalogo«, kar bi kršila vsaka vrstica, zato ADAM pravilo bere po plasteh); vsaj en R je le priporočilo.",
        "Rule: exactly one A per task and layer (the template's legend says \"one A per task\", which every row would break, so ADAM reads the rule per layer); at least one R is a recommendation only.",
    ),
    (
        "raci_parties",
        "Strani in njihova delovna mesta",
        "Parties and their jobs",
    ),
    ("raci_overrides", "Preglasitve predloge", "Overrides of the template"),
    ("raci_approved_by", "odobril", "approved by"),
    ("raci_console", "konzola upravljavca", "the operator's console"),
    ("raci_footnotes", "Opombe predloge", "The template's footnotes"),
    (
        "raci_legend",
        "R – izvaja; A – odgovarja (en sam); C – vprašan (dvosmerno); I – obveščen (enosmerno).",
        "R – performs; A – accountable (one only); C – consulted (two-way); I – informed (one-way).",
    ),
];
