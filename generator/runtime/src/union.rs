//! Unions (`oneOf`/`anyOf`) without a tag to choose their variant.
//!
//! Such a union is written as its variant's own value and read by trying
//! its variants in order, the first that decodes winning — what serde's
//! `#[serde(untagged)]` does, without its derive: specs like Microsoft
//! Graph have thousands of these (`anyOf: [$ref, {type: object}]` for
//! every nullable reference), and serde's derive emits a buffering
//! deserializer and a typed attempt per variant for each. Here a union's
//! `Deserialize` is one call with its variants as a slice of trait objects.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::SeqDeserializer;
use serde::de::{self, Deserialize, Deserializer, Error as _, IntoDeserializer, Visitor};

/// One variant of an untagged union: its constructor (`Self::Pet`), which
/// names the type to try.
#[doc(hidden)]
pub struct Variant<T, U>(pub fn(T) -> U);

/// A variant tried on a buffered value (implemented by [`Variant`]).
#[doc(hidden)]
pub trait TryVariant<'de, U> {
    /// The union holding the value as this variant, if it decodes as one.
    fn try_decode(&self, value: &Buffered<'de>) -> Option<U>;
}

impl<'de, T: Deserialize<'de>, U> TryVariant<'de, U> for Variant<T, U> {
    fn try_decode(&self, value: &Buffered<'de>) -> Option<U> {
        T::deserialize(BufferedRef::<Rejected>::new(value)).ok().map(self.0)
    }
}

/// The error of one variant tried: only whether it failed is used, so its
/// message is never formatted (a variant that does not fit costs no
/// allocation or formatting, unlike serde's untagged derive, which builds
/// its deserializer's error each time).
#[derive(Debug)]
struct Rejected;

impl fmt::Display for Rejected {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("the value is not this variant")
    }
}

impl std::error::Error for Rejected {}

impl de::Error for Rejected {
    #[inline]
    fn custom<T: fmt::Display>(_: T) -> Self {
        Rejected
    }
}

/// `Deserialize::deserialize` of an untagged union: the first of
/// `variants` (in the spec's order) that the value decodes as.
#[doc(hidden)]
pub fn deserialize_untagged<'de, D: Deserializer<'de>, U>(
    deserializer: D,
    name: &str,
    variants: &[&dyn TryVariant<'de, U>],
) -> Result<U, D::Error> {
    let value = Buffered::deserialize(deserializer)?;
    variants
        .iter()
        .find_map(|variant| variant.try_decode(&value))
        .ok_or_else(|| D::Error::custom(format_args!("data did not match any variant of untagged enum {name}")))
}

/// A value read once and kept as it came — repeated keys and their order,
/// strings borrowed from the input where they can be — so that each
/// variant of an untagged union is tried on exactly the input (what serde's
/// untagged derive does with its private `Content`; a `serde_json::Value`
/// would merge repeated keys, and copy every string).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum Buffered<'de> {
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    Bytes(Vec<u8>),
    /// `null` (and a missing `Option`).
    None,
    Unit,
    Some(Box<Buffered<'de>>),
    Seq(Vec<Buffered<'de>>),
    Map(Vec<(Buffered<'de>, Buffered<'de>)>),
}

impl<'de> Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BufferedVisitor)
    }
}

struct BufferedVisitor;

impl<'de> Visitor<'de> for BufferedVisitor {
    type Value = Buffered<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::I64(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::U64(value))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::F64(value))
    }
    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Borrowed(value)))
    }
    fn visit_str<E>(self, value: &str) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Owned(value.to_owned())))
    }
    fn visit_string<E>(self, value: String) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Owned(value)))
    }
    fn visit_bytes<E>(self, value: &[u8]) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Bytes(value.to_vec()))
    }
    fn visit_none<E>(self) -> Result<Buffered<'de>, E> {
        Ok(Buffered::None)
    }
    fn visit_unit<E>(self) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Unit)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Buffered<'de>, D::Error> {
        Buffered::deserialize(deserializer).map(|value| Buffered::Some(Box::new(value)))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Buffered<'de>, D::Error> {
        Buffered::deserialize(deserializer)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Buffered<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Buffered::Seq(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Buffered<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Buffered::Map(entries))
    }
}

/// The value of a tagged union's `tag` property, if it is a string there
/// once (a repeated tag chooses nothing: the union keeps the object as
/// `Unknown`, as serde's derive does).
#[doc(hidden)]
pub fn tag_of<'a>(value: &'a Buffered<'_>, tag: &str) -> Option<&'a str> {
    let Buffered::Map(entries) = value else { return None };
    let mut found = entries.iter().filter(|(key, _)| is_key(key, tag));
    match (found.next(), found.next()) {
        (Some((_, Buffered::Str(value))), None) => Some(value),
        _ => None,
    }
}

/// Decodes the variant a tag chose from the buffered object, without the
/// tag property when `skip_tag` names it (a variant that leaves the tag to
/// its union). A failure names its JSON path inside the union.
#[doc(hidden)]
pub fn tagged_variant<'de, T: Deserialize<'de>, E: de::Error>(value: &Buffered<'de>, skip_tag: Option<&str>) -> Result<T, E> {
    let reader = || BufferedRef { value, skip: skip_tag, error: PhantomData };
    match T::deserialize(reader()) {
        Ok(decoded) => Ok(decoded),
        // Read again with path tracking, for the message only.
        Err(plain) => match serde_path_to_error::deserialize::<_, T>(reader()) {
            Err(error) if error.path().to_string() != "." => {
                let path = error.path().to_string();
                Err(E::custom(format_args!("{path}: {}", error.into_inner())))
            }
            _ => Err(plain),
        },
    }
}

/// The buffered value as JSON (the `Unknown` variant of a tagged union).
#[doc(hidden)]
pub fn buffered_json<E: de::Error>(value: &Buffered<'_>) -> Result<serde_json::Value, E> {
    serde_json::Value::deserialize(BufferedRef::<E>::new(value))
}

/// A [`Buffered`] value read again, as the input it came from.
#[doc(hidden)]
pub struct BufferedRef<'a, 'de, E> {
    value: &'a Buffered<'de>,
    /// A key left out of this map (a tag the union reads).
    skip: Option<&'a str>,
    error: PhantomData<E>,
}

impl<'a, 'de, E> BufferedRef<'a, 'de, E> {
    /// Reads `value`.
    pub fn new(value: &'a Buffered<'de>) -> Self {
        Self { value, skip: None, error: PhantomData }
    }
}

impl<'a, 'de, E: de::Error> IntoDeserializer<'de, E> for &'a Buffered<'de> {
    type Deserializer = BufferedRef<'a, 'de, E>;
    fn into_deserializer(self) -> Self::Deserializer {
        BufferedRef::new(self)
    }
}

impl<'de, E: de::Error> Deserializer<'de> for BufferedRef<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::Bool(value) => visitor.visit_bool(*value),
            Buffered::U64(value) => visitor.visit_u64(*value),
            Buffered::I64(value) => visitor.visit_i64(*value),
            Buffered::F64(value) => visitor.visit_f64(*value),
            Buffered::Str(Cow::Borrowed(value)) => visitor.visit_borrowed_str(value),
            Buffered::Str(Cow::Owned(value)) => visitor.visit_str(value),
            Buffered::Bytes(value) => visitor.visit_bytes(value),
            Buffered::None => visitor.visit_none(),
            Buffered::Unit => visitor.visit_unit(),
            Buffered::Some(value) => visitor.visit_some(BufferedRef::new(value)),
            Buffered::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Buffered::Map(entries) => BufferedMap::read(entries, self.skip, visitor),
        }
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::Str(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
            Buffered::Str(Cow::Owned(text)) => visitor.visit_str(text),
            _ => self.deserialize_any(visitor),
        }
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        self.deserialize_str(visitor)
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        self.deserialize_str(visitor)
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], visitor: V) -> Result<V::Value, E> {
        self.deserialize_map(visitor)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::Map(entries) => BufferedMap::read(entries, self.skip, visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Buffered::None | Buffered::Unit => visitor.visit_none(),
            Buffered::Some(value) => visitor.visit_some(BufferedRef::new(value)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        seq tuple tuple_struct enum
    }
}

/// A buffered map's entries read again, leaving out the key `skip` names
/// (what serde's `MapDeserializer` does, without its iterator adapters:
/// a union's variant reads every property through here).
struct BufferedMap<'a, 'de, E> {
    entries: std::slice::Iter<'a, (Buffered<'de>, Buffered<'de>)>,
    skip: Option<&'a str>,
    /// The value of the key just read.
    value: Option<&'a Buffered<'de>>,
    error: PhantomData<E>,
}

impl<'a, 'de, E: de::Error> BufferedMap<'a, 'de, E> {
    /// `visitor.visit_map` of `entries`; entries left unread are an error,
    /// as with serde's `MapDeserializer::end`.
    fn read<V: Visitor<'de>>(entries: &'a [(Buffered<'de>, Buffered<'de>)], skip: Option<&'a str>, visitor: V) -> Result<V::Value, E> {
        let mut map = Self { entries: entries.iter(), skip, value: None, error: PhantomData };
        let value = visitor.visit_map(&mut map)?;
        let left = map.entries.filter(|(key, _)| !skip.is_some_and(|skip| is_key(key, skip))).count();
        if left > 0 {
            return Err(E::invalid_length(entries.len() - left, &"fewer elements in map"));
        }
        Ok(value)
    }
}

/// Whether a buffered map's key is the string `name`.
#[inline]
fn is_key(key: &Buffered<'_>, name: &str) -> bool {
    matches!(key, Buffered::Str(key) if key == name)
}

impl<'de, E: de::Error> de::MapAccess<'de> for BufferedMap<'_, 'de, E> {
    type Error = E;

    #[inline]
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        for (key, value) in self.entries.by_ref() {
            if !self.skip.is_some_and(|skip| is_key(key, skip)) {
                self.value = Some(value);
                return seed.deserialize(BufferedRef::new(key)).map(Some);
            }
        }
        Ok(None)
    }

    #[inline]
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        match self.value.take() {
            Some(value) => seed.deserialize(BufferedRef::new(value)),
            None => Err(E::custom("a map's value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// `impl Serialize` and `impl Deserialize` for a union without a tag, from
/// its variants in the spec's order:
///
/// ```text
/// __impl_untagged!(crate::runtime; Serialize + Deserialize for Shape { Circle, Square });
/// ```
///
/// The path before `;` names the runtime (see `__impl_object!`).
/// `Serialize for` or `Deserialize for` alone implement one direction.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_untagged {
    ($($rt:ident)::+; Serialize + Deserialize for $($union:tt)*) => {
        $crate::__impl_untagged!($($rt)::+; Serialize for $($union)*);
        $crate::__impl_untagged!($($rt)::+; Deserialize for $($union)*);
    };
    ($($rt:ident)::+; Serialize for $name:ident { $($variant:ident),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self { $( Self::$variant(value) => ::serde::Serialize::serialize(value, serializer), )* }
            }
        }
    };
    ($($rt:ident)::+; Deserialize for $name:ident { $($variant:ident),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                use $($rt)::+::__private as __p;
                __p::deserialize_untagged(
                    deserializer,
                    ::std::stringify!($name),
                    &[ $( &__p::Variant(Self::$variant), )* ],
                )
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{Buffered, BufferedRef, tagged_variant};
    use serde::Deserialize;
    use serde::de::value::Error;

    fn buffered(json: &str) -> Buffered<'_> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        Buffered::deserialize(&mut deserializer).unwrap_or(Buffered::Unit)
    }

    #[test]
    fn a_buffered_map_reads_again_as_it_came_without_the_tag() {
        let value = buffered(r#"{"kind": "a", "id": 1, "names": ["x", "y\n"], "at": null}"#);
        let again = serde_json::Value::deserialize(BufferedRef::<Error>::new(&value)).map_err(|error| error.to_string());
        assert_eq!(again, Ok(serde_json::json!({"kind": "a", "id": 1, "names": ["x", "y\n"], "at": null})));
        let without_tag: Result<serde_json::Value, Error> = tagged_variant(&value, Some("kind"));
        assert_eq!(without_tag.map_err(|error| error.to_string()), Ok(serde_json::json!({"id": 1, "names": ["x", "y\n"], "at": null})));
    }

    #[test]
    fn entries_a_visitor_leaves_unread_are_an_error() {
        /// Reads the first entry of a map only.
        struct First;
        impl<'de> Deserialize<'de> for First {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = First;
                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str("a map")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<First, A::Error> {
                        map.next_entry::<String, u8>()?;
                        Ok(First)
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
        let value = buffered(r#"{"a": 1, "b": 2}"#);
        assert!(First::deserialize(BufferedRef::<Error>::new(&value)).is_err(), "one entry left unread");
        let value = buffered(r#"{"a": 1, "kind": "x"}"#);
        assert!(tagged_variant::<First, Error>(&value, Some("kind")).is_ok(), "only the tag is left, and it is not the variant's");
    }
}
