//! Amounts of money as readers of each language write them: `€65,000–€85,000 a year`,
//! `65 000 – 85 000 € par an`. Job postings give bare numbers and an ISO currency code; a
//! reader should not see `65000.0 EUR`.

/// A salary range in `lang`; `unit` is the posting's `HOUR`, `DAY`, `WEEK`, `MONTH` or `YEAR`.
pub fn salary(
    min: Option<f64>,
    max: Option<f64>,
    currency: &str,
    unit: &str,
    lang: &str,
) -> String {
    let french = lang == "fr";
    let per = per_unit(unit, french);
    let range = match (min, max) {
        (Some(a), Some(b)) if a == b => amount(a, currency, french),
        // French writes the currency once, after the range; English on each amount.
        (Some(a), Some(b)) if french => {
            format!("{} – {}", number(a, true), amount(b, currency, true))
        }
        (Some(a), Some(b)) => format!(
            "{}–{}",
            amount(a, currency, false),
            amount(b, currency, false)
        ),
        (Some(a), None) if french => format!("à partir de {}", amount(a, currency, true)),
        (Some(a), None) => format!("from {}", amount(a, currency, false)),
        (None, Some(b)) if french => format!("jusqu’à {}", amount(b, currency, true)),
        (None, Some(b)) => format!("up to {}", amount(b, currency, false)),
        (None, None) => return String::new(),
    };
    format!("{range} {per}")
}

/// One amount with its currency: `€65,000`, `65 000 €`, `CHF 90,000`, `90 000 CHF`.
pub fn amount(x: f64, currency: &str, french: bool) -> String {
    let symbol = match currency.to_ascii_uppercase().as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    };
    let n = number(x, french);
    match (symbol, french) {
        (Some(s), false) => format!("{s}{n}"),
        (None, false) => format!("{currency} {n}"),
        (s, true) => format!("{n}\u{a0}{}", s.unwrap_or(currency)),
    }
}

/// Thousands grouped (`,` in English, a narrow no-break space in French), cents only when
/// there are some.
pub fn number(x: f64, french: bool) -> String {
    let cents = (x.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let sep = if french { "\u{202f}" } else { "," };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(sep);
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && cents > 0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{}{frac:02}", if french { "," } else { "." })
    }
}

fn per_unit(unit: &str, french: bool) -> &'static str {
    match (unit.to_ascii_uppercase().as_str(), french) {
        ("HOUR", false) => "an hour",
        ("DAY", false) => "a day",
        ("WEEK", false) => "a week",
        ("MONTH", false) => "a month",
        (_, false) => "a year",
        ("HOUR", true) => "de l’heure",
        ("DAY", true) => "par jour",
        ("WEEK", true) => "par semaine",
        ("MONTH", true) => "par mois",
        (_, true) => "par an",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salaries_read_as_each_language_writes_them() {
        let (a, b) = (Some(65000.0), Some(85000.0));
        assert_eq!(salary(a, b, "EUR", "YEAR", "en"), "€65,000–€85,000 a year");
        assert_eq!(
            salary(a, b, "EUR", "YEAR", "fr"),
            "65\u{202f}000 – 85\u{202f}000\u{a0}€ par an"
        );
        assert_eq!(
            salary(Some(52.5), None, "CHF", "HOUR", "en"),
            "from CHF 52.50 an hour"
        );
        assert_eq!(
            salary(None, Some(4200.0), "EUR", "MONTH", "fr"),
            "jusqu’à 4\u{202f}200\u{a0}€ par mois"
        );
        assert_eq!(salary(None, None, "EUR", "YEAR", "en"), "");
        assert_eq!(number(1_234_567.0, false), "1,234,567");
        assert_eq!(number(999.0, true), "999");
    }
}
