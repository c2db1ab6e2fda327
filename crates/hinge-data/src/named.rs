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

    /// The variant named `given`; else an error naming it, `what` it should be, and the
    /// names there are.
    fn from_name(given: &str, what: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name() == given)
            .ok_or_else(|| {
                format!(
                    "unknown {what} '{given}': expected one of {}",
                    Self::names().join(", ")
                )
            })
    }
}

/// serde, for the macro's expansion in crates that name it differently or not at all.
#[doc(hidden)]
pub use serde as __serde;

/// `named_enum! { /// doc  pub enum Kind("what it is") { /// doc  Variant = "name", ... } }`
/// defines the enum with [`Named`], `Display`, `FromStr` (an unknown name is an error listing
/// the known ones) and serde by name.
#[macro_export]
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

        impl $kind {
            /// Every variant, in the order help texts list them.
            pub const ALL: &'static [Self] = &[$($kind::$variant),+];

            /// What users call it, in flags and `config.json`.
            pub fn name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name),+
                }
            }

            /// The names of every variant, for help texts and error messages.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.name()).collect()
            }
        }

        impl $crate::Named for $kind {
            const ALL: &'static [Self] = $kind::ALL;

            fn name(self) -> &'static str {
                $kind::name(self)
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $kind {
            type Err = String;

            fn from_str(given: &str) -> Result<Self, String> {
                <Self as $crate::Named>::from_name(given, $what)
            }
        }

        impl $crate::named::__serde::Serialize for $kind {
            fn serialize<S: $crate::named::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> $crate::named::__serde::Deserialize<'de> for $kind {
            fn deserialize<D: $crate::named::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let given = <String as $crate::named::__serde::Deserialize>::deserialize(deserializer)?;
                given.parse().map_err(<D::Error as $crate::named::__serde::de::Error>::custom)
            }
        }
    };
}
