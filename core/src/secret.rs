//! `Sensitive<T>`: a value that must never be printed, logged or serialised by accident.
//!
//! It implements neither `Display` nor `Serialize`; `Debug` prints a fixed placeholder. The only
//! way to the inner value is the explicit, greppable [`Sensitive::expose`].

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call sites are the audit list of where secrets flow.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

impl From<String> for Sensitive<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl Sensitive<String> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Sensitive::new("ya29.very-secret".to_owned());
        let printed = format!("{s:?} {:?}", Some(&s));
        assert!(!printed.contains("very-secret"), "{printed}");
        assert_eq!(s.expose(), "ya29.very-secret");
    }
}
