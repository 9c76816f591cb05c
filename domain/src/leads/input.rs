//! What a new lead must be, from the form or a CSV row: a name or a company, sane lengths, a phone
//! of 5 to 20 digits and an e-mail of the usual shape when given.

use crate::accounts::users::Email;
use crate::activity::normalize_phone;
use crate::error::{DomainError, DomainResult};

pub use domain_types::leads::LeadInput;

/// A lead that passed the checks: trimmed, phone as digits, e-mail lower-case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanLead {
    pub name: String,
    pub company: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub province: String,
    pub city: String,
    pub source: String,
    pub note: String,
}

/// The checks of a new lead, on the shape the form and each CSV row fill in ([`LeadInput`], shared
/// with the browser, so the checks live here as a trait).
pub trait ValidateLead {
    /// The checks: a name or a company, lengths, a phone of 5 to 20 digits when given, an e-mail
    /// of the usual shape when given.
    fn validated(&self) -> DomainResult<CleanLead>;
}

impl ValidateLead for LeadInput {
    fn validated(&self) -> DomainResult<CleanLead> {
        let t = |s: &String| s.trim().to_string();
        let lead = CleanLead {
            name: t(&self.name),
            company: t(&self.company),
            title: t(&self.title),
            phone: normalize_phone(&self.phone),
            email: String::new(),
            province: t(&self.province),
            city: t(&self.city),
            source: t(&self.source),
            note: t(&self.note),
        };
        if lead.name.is_empty() && lead.company.is_empty() {
            return Err(DomainError::invalid("name", "name_or_company"));
        }
        for (field, value, limit) in [
            ("name", &lead.name, 100),
            ("company", &lead.company, 200),
            ("title", &lead.title, 100),
            ("province", &lead.province, 50),
            ("city", &lead.city, 50),
            ("source", &lead.source, 50),
            ("note", &lead.note, 2000),
        ] {
            if value.chars().count() > limit {
                return Err(DomainError::invalid(field, "too_long"));
            }
        }
        if !self.phone.trim().is_empty() && !(5..=20).contains(&lead.phone.len()) {
            return Err(DomainError::invalid("phone", "format"));
        }
        let email = if self.email.trim().is_empty() { String::new() } else { Email::parse(&self.email)?.as_str().to_string() };
        Ok(CleanLead { email, ..lead })
    }
}
