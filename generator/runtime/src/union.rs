//! Unions (`oneOf`/`anyOf`) without a tag to choose their variant.
//!
//! Such a union is written as its variant's own value and read by trying
//! its variants in order, the first that decodes winning — what serde's
//! `#[serde(untagged)]` does, without its derive: specs like Microsoft
//! Graph have thousands of these (`anyOf: [$ref, {type: object}]` for
//! every nullable reference), and serde's derive emits a buffering
//! deserializer and a typed attempt per variant for each. Here a union's
//! `Deserialize` is one call with its variants as a slice of trait objects.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};

/// One variant of an untagged union: its constructor (`Self::Pet`), which
/// names the type to try.
#[doc(hidden)]
pub struct Variant<T, U>(pub fn(T) -> U);

/// A variant tried on a JSON value (implemented by [`Variant`]).
#[doc(hidden)]
pub trait TryVariant<U> {
    /// The union holding the value as this variant, if it decodes as one.
    fn try_decode(&self, value: &serde_json::Value) -> Option<U>;
}

impl<T: DeserializeOwned, U> TryVariant<U> for Variant<T, U> {
    fn try_decode(&self, value: &serde_json::Value) -> Option<U> {
        T::deserialize(value).ok().map(self.0)
    }
}

/// `Deserialize::deserialize` of an untagged union: the first of
/// `variants` (in the spec's order) that the value decodes as.
#[doc(hidden)]
pub fn deserialize_untagged<'de, D: Deserializer<'de>, U>(
    deserializer: D,
    name: &str,
    variants: &[&dyn TryVariant<U>],
) -> Result<U, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    variants
        .iter()
        .find_map(|variant| variant.try_decode(&value))
        .ok_or_else(|| D::Error::custom(format_args!("data did not match any variant of untagged enum {name}")))
}

/// `impl Serialize` and `impl Deserialize` for a union without a tag, from
/// its variants in the spec's order:
///
/// ```text
/// __impl_untagged!(Serialize + Deserialize for Shape { Circle, Square });
/// ```
///
/// `Serialize for` or `Deserialize for` alone implement one direction.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_untagged {
    (Serialize + Deserialize for $($union:tt)*) => {
        $crate::__impl_untagged!(Serialize for $($union)*);
        $crate::__impl_untagged!(Deserialize for $($union)*);
    };
    (Serialize for $name:ident { $($variant:ident),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self { $( Self::$variant(value) => ::serde::Serialize::serialize(value, serializer), )* }
            }
        }
    };
    (Deserialize for $name:ident { $($variant:ident),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::deserialize_untagged(
                    deserializer,
                    ::std::stringify!($name),
                    &[ $( &$crate::runtime::Variant(Self::$variant), )* ],
                )
            }
        }
    };
}
