//! Enums whose variants have names a user types (in flags and `config.json`): each name is
//! written once, next to its variant, and serde, `Display`, `FromStr` and the list of choices
//! all read it from there.

/// An enum of plain variants, each with the name users know it by.
pub trait Named: Copy + Sized + 'static {
    /// Every variant, in the order help texts list them.
    const ALL: &'static [Self];
    /// What users call it: `relu`, `x2`, ...
    fn name(self) -> &'static str;

    /// The names of [`Named::ALL`], for help texts and error messages.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.name()).collect()
    }
}

/// `named_enum! { /// doc  pub enum Kind("what it is") { /// doc  Variant = "name", ... } }`
/// defines the enum with [`Named`], `Display`, `FromStr` (an unknown name is an error listing
/// the known ones) and serde by name.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $kind:ident($what:literal) {
            $($(#[$variant_meta:meta])* $variant:ident = $name:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $kind {
            $($(#[$variant_meta])* $variant),+
        }

        impl $crate::named::Named for $kind {
            const ALL: &'static [Self] = &[$($kind::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name),+
                }
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::named::Named::name(*self))
            }
        }

        impl std::str::FromStr for $kind {
            type Err = String;

            fn from_str(given: &str) -> Result<Self, String> {
                use $crate::named::Named;
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == given)
                    .ok_or_else(|| {
                        format!(
                            "unknown {} '{given}': expected one of {}",
                            $what,
                            Self::names().join(", ")
                        )
                    })
            }
        }

        impl serde::Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::named::Named::name(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $kind {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let given = String::deserialize(deserializer)?;
                given.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use named_enum;
