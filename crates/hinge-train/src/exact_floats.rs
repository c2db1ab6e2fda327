//! Floats in JSON files that read back bit for bit, NaN and infinities included, for the files a
//! resume reads (`frames.json`, the lab's `progress.jsonl`): JSON numbers hold no NaN, and a
//! parser may round a number's last bit. Each float is written as its shortest text
//! (`to_string`), which parses back to the same value.
//!
//! Use it on a field as `#[serde(with = "hinge_train::exact_floats")]`; it takes `f32`, `f64` and
//! options and lists of them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value with an exact text form.
pub trait Exact: Sized {
    /// What is written instead of the value.
    type Text: Serialize + DeserializeOwned;
    fn to_text(&self) -> Self::Text;
    fn from_text(text: Self::Text) -> Result<Self, String>;
}

macro_rules! exact_float {
    ($($float:ty),+) => {$(
        impl Exact for $float {
            type Text = String;

            fn to_text(&self) -> String {
                self.to_string()
            }

            fn from_text(text: String) -> Result<Self, String> {
                text.parse()
                    .map_err(|_| format!("'{text}' is not a number"))
            }
        }
    )+};
}

exact_float!(f32, f64);

impl<T: Exact> Exact for Option<T> {
    type Text = Option<T::Text>;

    fn to_text(&self) -> Self::Text {
        self.as_ref().map(T::to_text)
    }

    fn from_text(text: Self::Text) -> Result<Self, String> {
        text.map(T::from_text).transpose()
    }
}

impl<T: Exact> Exact for Vec<T> {
    type Text = Vec<T::Text>;

    fn to_text(&self) -> Self::Text {
        self.iter().map(T::to_text).collect()
    }

    fn from_text(text: Self::Text) -> Result<Self, String> {
        text.into_iter().map(T::from_text).collect()
    }
}

/// serde's `with` side: writes the value's exact text.
pub fn serialize<T: Exact, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.to_text().serialize(serializer)
}

/// serde's `with` side: reads what [`serialize`] wrote.
pub fn deserialize<'de, T: Exact, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let text = T::Text::deserialize(deserializer)?;
    T::from_text(text).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        #[serde(with = "super")]
        value: f64,
        #[serde(with = "super")]
        values: Vec<Option<f32>>,
    }

    #[test]
    fn floats_read_back_bit_for_bit_nan_included() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let value = f64::from_bits(next());
            let single = f32::from_bits(next() as u32);
            let record = Record {
                value,
                values: vec![Some(single), None, Some(f32::NAN), Some(f32::NEG_INFINITY)],
            };
            let json = serde_json::to_string(&record).unwrap();
            let back: Record = serde_json::from_str(&json).unwrap();
            // NaN's payload is not kept, only that it is NaN.
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert!(same(back.value, value), "{json}");
            assert!(
                same(back.values[0].unwrap().into(), single.into()),
                "{json}"
            );
            assert_eq!(back.values[1], None);
            assert!(back.values[2].unwrap().is_nan());
        }
        let err = serde_json::from_str::<Record>(r#"{"value":"lots","values":[]}"#).unwrap_err();
        assert!(err.to_string().contains("'lots' is not a number"), "{err}");
    }
}
