//! Table-driven tests of every rule, both ways: a password that breaks only that rule, and a
//! close variant that passes.

use super::*;

/// A clerk of a Ljubljana municipality, with a second factor (so the minimum is 8).
fn clerk() -> Context<'static> {
    Context {
        username: "mkranjc",
        first_name: "Špela",
        last_name: "Zupančič",
        email: "pisarna42@ljubljana.si",
        organisation: "Mestna občina Ljubljana",
        service_name: "ADAM",
        has_second_factor: true,
    }
}

fn policy() -> PasswordPolicy {
    PasswordPolicy::standard().unwrap()
}

/// Asserts that each password breaks exactly `expected` (all of it and nothing else).
fn assert_breaks(context: &Context<'_>, table: &[(&str, &[PasswordProblem])]) {
    let policy = policy();
    for (password, expected) in table {
        assert_eq!(
            policy.check(password, context),
            Err(expected.to_vec()),
            "password {password:?}"
        );
    }
}

fn assert_passes(context: &Context<'_>, passwords: &[&str]) {
    let policy = policy();
    for password in passwords {
        assert_eq!(policy.check(password, context), Ok(()), "password {password:?}");
    }
}

const GOOD: &str = "Tb8!vKp2#Lm9wRq";

#[test]
fn a_random_looking_password_passes() {
    assert_passes(&clerk(), &[GOOD, "Zelen-Traktor-Pleše-9", "vijolični slon pleše tango"]);
}

#[test]
fn length_depends_on_the_second_factor() {
    use PasswordProblem::TooShort;
    let single = Context {
        has_second_factor: false,
        ..clerk()
    };
    assert_breaks(&clerk(), &[("Tb8!vKp", &[TooShort { minimum: 8 }])]);
    assert_passes(&clerk(), &["Tb8!vKp2"]);
    assert_breaks(
        &single,
        &[
            ("Tb8!vKp2#Lm9wR", &[TooShort { minimum: 15 }]),
            ("Tb8!vKp2", &[TooShort { minimum: 15 }]),
        ],
    );
    assert_passes(&single, &[GOOD]);
    // NFKC then code points: five full-width letters plus three ASCII are eight characters.
    assert_passes(&clerk(), &["Ｔｂ８Ｖｋ!p2"]);
    // Combining accents fold into their letter under NFKC, so "Š" written as S + caron is one.
    assert_breaks(&clerk(), &[("Tb8!vKS\u{30C}", &[TooShort { minimum: 8 }])]);
}

#[test]
fn at_most_128_characters() {
    let long: String = GOOD.repeat(9);
    let exactly_128: String = long.chars().take(128).collect();
    // Over the maximum only the length is reported, even for a long run of a listed word.
    let listed_and_long = "a".repeat(200);
    assert_breaks(
        &clerk(),
        &[
            (&long, &[PasswordProblem::TooLong { maximum: 128 }]),
            (&listed_and_long, &[PasswordProblem::TooLong { maximum: 128 }]),
        ],
    );
    assert_passes(&clerk(), &[&exactly_128]);
}

#[test]
fn common_and_breached_passwords_are_refused_in_leet_and_case_too() {
    use PasswordProblem::Common;
    assert_breaks(
        &clerk(),
        &[
            ("iloveyou", &[Common]),
            ("ILoveYou", &[Common]),
            ("1l0v3y0u", &[Common]),
        ],
    );
    assert_passes(&clerk(), &["iloveyoumore-Tb8"]);
}

#[test]
fn slovenian_words_with_and_without_diacritics_and_in_leet() {
    let slovenian: &[PasswordProblem] = &[PasswordProblem::DictionaryWord {
        dictionary: Dictionary::Slovenian,
    }];
    assert_breaks(
        &clerk(),
        &[
            ("čokolada", slovenian),
            ("cokolada", slovenian),
            ("ČOKOLADA", slovenian),
            ("Č0k0l4d4", slovenian),
            ("Računalnik", slovenian),
            ("racunalnik", slovenian),
            // Digits and symbols around a word do not hide it.
            ("Sonce2024!", slovenian),
            ("#Računalnik9", slovenian),
            // Inflected forms count: the list is hunspell-sl with its affixes expanded.
            ("računalnikom", slovenian),
        ],
    );
    // Two words, or a word inside random characters, are not "a dictionary word".
    assert_passes(&clerk(), &["Sonce-Računalnik", "Tb8!sonce#9wRq"]);
}

#[test]
fn english_words_are_refused() {
    let english: &[PasswordProblem] = &[PasswordProblem::DictionaryWord {
        dictionary: Dictionary::English,
    }];
    assert_breaks(
        &clerk(),
        &[
            ("Xylophone7", english),
            ("xyl0ph0ne", english),
            ("!Mountaineer", english),
        ],
    );
    assert_passes(&clerk(), &["Xylophone-Mountaineer"]);
}

fn repeated(part: &str) -> PasswordProblem {
    PasswordProblem::Repeated { part: part.into() }
}

fn sequential(part: &str) -> PasswordProblem {
    PasswordProblem::Sequential { part: part.into() }
}

fn keyboard(part: &str) -> PasswordProblem {
    PasswordProblem::KeyboardRow { part: part.into() }
}

#[test]
fn repeated_characters() {
    assert_breaks(
        &clerk(),
        &[
            // Four or more: refused in any password.
            ("Tb8!vKp2#Lm9wwwwRq", &[repeated("wwww")]),
            ("Tb8!vKp2#Lm9!!!!q", &[repeated("!!!!")]),
            // Three: refused in a password that is too short without them.
            ("Tb8!vwww", &[repeated("www")]),
            ("Tb8!vŽžž", &[repeated("Žžž")]),
        ],
    );
    assert_passes(&clerk(), &["Tb8!vKp2#Lm9wwRq", "Tb8!vKp2#Lm9!!q", "Tb8!vKp2#Lm9wwwRq"]);
}

#[test]
fn sequential_characters_both_ways() {
    assert_breaks(
        &clerk(),
        &[
            ("Tb8!vKp2#Lmabcdq", &[sequential("abcd")]),
            ("Tb8!vKp2#LmdcBAq", &[sequential("dcBA")]),
            ("Tb8!vabc", &[sequential("abc")]),
            ("Tb8!vxyz", &[sequential("xyz")]),
            ("Tb8!vcBA", &[sequential("cBA")]),
            // Digit runs are also a run of the number row.
            ("Tb8!v123", &[sequential("123"), keyboard("123")]),
            ("Tb8!vKp2#Lm9876q", &[sequential("9876"), keyboard("9876")]),
        ],
    );
    assert_passes(
        &clerk(),
        &[
            "Tb8!vKp2#Lmabdq",
            "Tb8!vKp2#Lm135q",
            "Tb8!vKp2#Lmacbq",
            "Tb8!vKp2#Lmabcq",
        ],
    );
}

#[test]
fn keyboard_rows_qwerty_and_qwertz() {
    assert_breaks(
        &clerk(),
        &[
            ("Tb8!vKp2#Lmqwerq", &[keyboard("qwer")]),
            ("Tb8!vKp2#LmREWQq", &[keyboard("REWQ")]),
            ("Tb8!vKp2#Lmasdfq", &[keyboard("asdf")]),
            ("Tb8!vKp2#Lmyxcvq", &[keyboard("yxcv")]),
            ("Tb8!vKp2#Lmrtzuq", &[keyboard("rtzu")]),
            ("Tb8!vKp2#Lmlčćžq", &[keyboard("lčćž")]),
            ("Tb8!vqwe", &[keyboard("qwe")]),
            ("Tb8!vzxc", &[keyboard("zxc")]),
            ("Tb8!vtzu", &[keyboard("tzu")]),
            ("Tb8!včćž", &[keyboard("čćž")]),
            ("Tb8!v890", &[keyboard("890")]),
        ],
    );
    assert_passes(
        &clerk(),
        &[
            "Tb8!vKp2#Lmqeq",
            "Tb8!vKp2#Lmadsq",
            "Tb8!vKp2#Lmčžćq",
            "Tb8!vKp2#Lmqweq",
        ],
    );
}

#[test]
fn short_keyboard_walks_are_still_refused() {
    let problems = |password: &str| policy().check(password, &clerk()).unwrap_err();
    assert!(problems("qwerty123").contains(&keyboard("qwerty")));
    assert!(problems("Qwerty123!").contains(&keyboard("Qwerty")));
    assert!(problems("asdf1234").contains(&keyboard("asdf")));
    assert!(problems("yxcvbnm,").contains(&keyboard("yxcvbnm,")));
}

#[test]
fn a_passphrase_keeps_its_three_letter_runs_inside_words() {
    let single = Context {
        has_second_factor: false,
        ..clerk()
    };
    // "st·re·ha" walks "ert" backwards on the keyboard; "nad" is a run in no sense.
    assert_passes(
        &single,
        &[
            "Rdeča streha nad starim mestom 8",
            "Zelena trava raste ob potoku",
            "Tb8!vKp2#Lm9wRqabc",
        ],
    );
    // A short one with the same word is refused, and the message names the part.
    let problems = policy().check("Tb8!tre2", &clerk()).unwrap_err();
    assert_eq!(problems, vec![keyboard("tre")]);
    assert_eq!(
        problems[0].message(Lang::En),
        "“tre” is a walk along a keyboard row (like “qwe” or “asd”); a run of three is allowed \
         only in a longer password (add a few words)."
    );
    assert_eq!(
        problems[0].message(Lang::Sl),
        "»tre« so sosednje tipke iz iste vrste tipkovnice (kot »qwe« ali »asd«); niz treh je \
         dovoljen le v daljšem geslu (dodajte nekaj besed)."
    );
    // A run of four is refused even in a long passphrase.
    let problems = policy()
        .check("Rdeča streha nad starim mestom 1234", &single)
        .unwrap_err();
    assert_eq!(problems, vec![sequential("1234"), keyboard("1234")]);
    assert!(problems[0].message(Lang::Sl).starts_with("»1234« je zaporedje"));
}

#[test]
fn personal_and_service_data_plain_reversed_and_leet() {
    use PasswordProblem::Personal;
    use PersonalField as F;
    assert_breaks(
        &clerk(),
        &[
            ("Tb8!mkranjc#9wRq", &[Personal { field: F::Username }]),
            ("Tb8!cjnarkm#9wRq", &[Personal { field: F::Username }]),
            ("Tb8!Špela#9wRq", &[Personal { field: F::FirstName }]),
            ("Tb8!Spela#9wRq", &[Personal { field: F::FirstName }]),
            ("Tb8!$p3la#9wRq", &[Personal { field: F::FirstName }]),
            ("Tb8!alepS#9wRq", &[Personal { field: F::FirstName }]),
            ("Tb8!ZUPANČIČ#9wRq", &[Personal { field: F::LastName }]),
            ("Tb8!zupancic#9wRq", &[Personal { field: F::LastName }]),
            ("Tb8!Pisarna#9wRq", &[Personal { field: F::Email }]),
            ("Tb8!Ljubljana#9wRq", &[Personal { field: F::Organisation }]),
            ("Tb8!1jub1jan4#9wRq", &[Personal { field: F::Organisation }]),
            ("Tb8!Občina#9wRq", &[Personal { field: F::Organisation }]),
            ("Tb8!Adam#9wRq", &[Personal { field: F::ServiceName }]),
            ("Tb8!4d4m#9wRq", &[Personal { field: F::ServiceName }]),
            ("Tb8!madA#9wRq", &[Personal { field: F::ServiceName }]),
        ],
    );
    // Someone else's data is not refused, and empty fields are skipped.
    let other = Context {
        username: "",
        first_name: "",
        last_name: "",
        email: "",
        organisation: "",
        ..clerk()
    };
    assert_passes(
        &other,
        &[
            "Tb8!mkranjc#9wRq",
            "Tb8!Špela#9wRq",
            "Tb8!Ljubljana#9wRq",
            "Tb8!Pisarna#9wRq",
        ],
    );
}

#[test]
fn every_broken_rule_is_reported() {
    let problems = policy()
        .check(
            "adam123",
            &Context {
                has_second_factor: false,
                ..Context::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        problems,
        vec![
            PasswordProblem::TooShort { minimum: 15 },
            PasswordProblem::Common,
            // "adam" is in hunspell-sl (the name), and the digits are stripped before lookup.
            PasswordProblem::DictionaryWord {
                dictionary: Dictionary::Slovenian
            },
            sequential("123"),
            keyboard("123"),
            PasswordProblem::Personal {
                field: PersonalField::ServiceName
            },
        ]
    );
}

#[test]
fn messages_in_both_languages_name_the_limit() {
    let short = PasswordProblem::TooShort { minimum: 8 };
    assert_eq!(short.message(Lang::En), "The password must have at least 8 characters.");
    assert_eq!(short.message(Lang::Sl), "Geslo mora imeti vsaj 8 znakov.");
    assert_eq!(
        PasswordProblem::TooLong { maximum: 102 }.message(Lang::Sl),
        "Geslo ima lahko največ 102 znaka."
    );
    let all = [
        short.clone(),
        PasswordProblem::TooLong { maximum: 128 },
        PasswordProblem::Common,
        PasswordProblem::DictionaryWord {
            dictionary: Dictionary::Slovenian,
        },
        PasswordProblem::DictionaryWord {
            dictionary: Dictionary::English,
        },
        repeated("aaa"),
        sequential("abc"),
        keyboard("qwe"),
        PasswordProblem::Personal {
            field: PersonalField::Username,
        },
        PasswordProblem::Personal {
            field: PersonalField::FirstName,
        },
        PasswordProblem::Personal {
            field: PersonalField::LastName,
        },
        PasswordProblem::Personal {
            field: PersonalField::Email,
        },
        PasswordProblem::Personal {
            field: PersonalField::Organisation,
        },
        PasswordProblem::Personal {
            field: PersonalField::ServiceName,
        },
        PasswordProblem::Reused { temporary: true },
        PasswordProblem::Reused { temporary: false },
    ];
    for lang in [Lang::En, Lang::Sl] {
        let messages: std::collections::HashSet<String> = all.iter().map(|p| p.message(lang)).collect();
        assert_eq!(messages.len(), all.len(), "each rule has its own {lang:?} message");
    }
    assert_eq!(
        serde_json::to_value(PasswordProblem::Personal {
            field: PersonalField::Email
        })
        .unwrap(),
        serde_json::json!({"rule": "personal", "field": "email"})
    );
}

#[test]
fn policy_limits_cannot_go_below_the_floors() {
    assert_eq!(
        PasswordPolicy::new(7, 15, 128).unwrap_err(),
        PolicyError::BelowDecreeMinimum(7)
    );
    assert_eq!(
        PasswordPolicy::new(10, 8, 128).unwrap_err(),
        PolicyError::SingleFactorShorter {
            single: 8,
            with_mfa: 10
        }
    );
    assert_eq!(
        PasswordPolicy::new(8, 15, 63).unwrap_err(),
        PolicyError::MaximumTooSmall(63)
    );
    let policy = PasswordPolicy::new(12, 20, 64).unwrap();
    assert_eq!(
        (policy.min_len(true), policy.min_len(false), policy.max_len()),
        (12, 20, 64)
    );
}

fn is_run(problem: &PasswordProblem) -> bool {
    matches!(
        problem,
        PasswordProblem::Repeated { .. } | PasswordProblem::Sequential { .. } | PasswordProblem::KeyboardRow { .. }
    )
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Words of everyday Slovenian with three-letter runs inside some of them ("streha",
    /// "pot", "ure"), none with a run of four.
    const WORDS: &[&str] = &[
        "rdeča", "streha", "nad", "starim", "mestom", "zelena", "trava", "raste", "ob", "potoku", "ure", "tečejo",
        "počasi", "hiša", "drevo", "kruh", "mleko", "sonce", "dež", "veter",
    ];

    fn part_of(problem: &PasswordProblem) -> Option<&str> {
        match problem {
            PasswordProblem::Repeated { part }
            | PasswordProblem::Sequential { part }
            | PasswordProblem::KeyboardRow { part } => Some(part.as_str()),
            _ => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A phrase of 24 characters or more (five words or more) is never refused by a run
        /// rule, even without a second factor.
        #[test]
        fn passphrases_pass_the_run_rules(words in proptest::collection::vec(proptest::sample::select(WORDS), 5..9)) {
            let phrase = words.join(" ");
            prop_assume!(phrase.chars().count() >= 24);
            let single = Context { has_second_factor: false, ..clerk() };
            if let Err(problems) = policy().check(&phrase, &single) {
                prop_assert!(!problems.iter().any(is_run), "{phrase}: {problems:?}");
            }
        }

        /// A walk of four keys is refused wherever it stands, and is named as typed.
        #[test]
        fn a_walk_of_four_is_always_refused(
            before in "[A-Za-z0-9 ]{0,40}",
            row in proptest::sample::select(&["qwertyuiop", "asdfghjkl", "yxcvbnm", "1234567890"][..]),
            start in 0usize..4,
            after in "[A-Za-z0-9 ]{0,40}",
        ) {
            let walk = &row[start..start + 4];
            let password = format!("{before}{walk}{after}");
            let problems = policy().check(&password, &clerk()).unwrap_err();
            prop_assert!(
                problems.iter().filter_map(part_of).any(|p| p.to_lowercase().contains(walk)),
                "{password}: {problems:?}"
            );
        }

        /// Every named part is a piece of the password as typed (after NFKC).
        #[test]
        fn the_named_part_is_in_the_password(password in "\\PC{0,30}") {
            let normalised: String = password.nfkc().collect();
            if let Err(problems) = policy().check(&password, &clerk()) {
                for part in problems.iter().filter_map(part_of) {
                    prop_assert!(part.chars().count() >= 3);
                    prop_assert!(normalised.contains(part), "{part:?} not in {normalised:?}");
                }
            }
        }
    }
}
