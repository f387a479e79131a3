//! Model structs to and from JSON objects.
//!
//! Generated structs implement `Serialize` and `Deserialize` through
//! [`__impl_object!`](crate::__impl_object), from one property table: the
//! shape of serde's derives (a `match` from key to field when reading, one
//! `serialize_field` per property when writing, every value through its
//! own generic impl, no trait objects), without the parts JSON never needs
//! (field identifiers by index and by bytes, a second visitor per struct),
//! so that it compiles fast and runs as fast as a derive. The per-presence
//! steps are small generic functions here ([`slot`], [`read`], [`finish`],
//! [`count`] and the writers' methods), so the expansion per property is one
//! call each way.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};
use serde::ser::{SerializeMap as _, SerializeStruct as _, Serialize, Serializer};

/// An object key, borrowed from the input when it can be.
#[doc(hidden)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a property name")
            }
            #[inline]
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// A model struct read from the entries of an object (implemented by
/// [`__impl_object!`](crate::__impl_object)).
#[doc(hidden)]
pub trait FromObject: Sized {
    /// The struct's name, for "expected struct …".
    const NAME: &'static str;

    /// The wire names in table order: what a sequence's elements are, in
    /// formats that write structs as sequences. `None` for a struct that
    /// keeps additional properties (it is always a map, as serde's
    /// `#[serde(flatten)]` makes it).
    const FIELDS: Option<&'static [&'static str]>;

    /// Reads the struct from the object's entries.
    fn from_object<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every model struct: one visitor, shared.
/// Reads a map, or (where the format or the input has one) a sequence of
/// every field in table order, as serde's derive does.
#[doc(hidden)]
#[inline]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromObject>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(formatter, "struct {}", T::NAME)
        }
        #[inline]
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            match T::FIELDS {
                Some(fields) => T::from_object(SeqAsMap { seq, fields, next: 0, name: T::NAME }),
                None => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }
    }
    match T::FIELDS {
        Some(fields) => deserializer.deserialize_struct(T::NAME, fields, ObjectVisitor(PhantomData)),
        None => deserializer.deserialize_map(ObjectVisitor(PhantomData)),
    }
}

/// A sequence read as the map of its elements under the fields' names, in
/// table order; every field must be there (as for serde's derive without
/// `#[serde(default)]`).
struct SeqAsMap<A> {
    seq: A,
    fields: &'static [&'static str],
    next: usize,
    name: &'static str,
}

impl<'de, A: de::SeqAccess<'de>> de::MapAccess<'de> for SeqAsMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(name) = self.fields.get(self.next) else { return Ok(None) };
        seed.deserialize(de::value::BorrowedStrDeserializer::new(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let index = self.next;
        self.next += 1;
        match self.seq.next_element_seed(seed)? {
            Some(value) => Ok(value),
            None => Err(de::Error::invalid_length(index, &ExpectedFields(self.name, self.fields.len()))),
        }
    }
}

struct ExpectedFields(&'static str, usize);

impl de::Expected for ExpectedFields {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {} with {} elements", self.0, self.1)
    }
}

/// The decoder's local for each property, by presence (named as in the
/// table): `Some` once the key was read, so a repeated key is an error.
#[doc(hidden)]
pub mod slot {
    /// `required`: the value.
    #[inline(always)]
    pub fn required<T>() -> Option<T> {
        None
    }
    /// `nullable`: the value or null.
    #[inline(always)]
    pub fn nullable<T>() -> Option<Option<T>> {
        None
    }
    /// `optional`: the value or null.
    #[inline(always)]
    pub fn optional<T>() -> Option<Option<T>> {
        None
    }
    /// `present`: the value's type is itself an `Option` (null is kept).
    #[inline(always)]
    pub fn present<T>() -> Option<T> {
        None
    }
}

/// Reads one entry's value into its [`slot`], by presence; a key read
/// twice is serde's `duplicate field` error.
#[doc(hidden)]
pub mod read {
    use serde::de::{Deserialize, Error as _, MapAccess};

    #[inline(always)]
    fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(A::Error::duplicate_field(name));
        }
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// `required`: a `T`.
    #[inline(always)]
    pub fn required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        once(map, slot, name)
    }

    /// `nullable`: a `T` or null.
    #[inline(always)]
    pub fn nullable<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<Option<T>>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        once(map, slot, name)
    }

    /// `optional`: a `T` or null.
    #[inline(always)]
    pub fn optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<Option<T>>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        once(map, slot, name)
    }

    /// `present`: an `Option<T>` (null is `Some(None)` in the field).
    #[inline(always)]
    pub fn present<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        map: &mut A,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), A::Error> {
        once(map, slot, name)
    }
}

/// The field's value from its [`slot`] once the object is read, by
/// presence: a required property that never came is serde's `missing
/// field` error; the others are `None` when absent.
#[doc(hidden)]
pub mod finish {
    use serde::de::Error;

    /// `required`: the value, or `missing field`.
    #[inline(always)]
    pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
        match slot {
            Some(value) => Ok(value),
            None => Err(E::missing_field(name)),
        }
    }

    /// `nullable`: absent is read leniently as null.
    #[inline(always)]
    pub fn nullable<T, E: Error>(slot: Option<Option<T>>, _: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    /// `optional`: absent or null is `None`.
    #[inline(always)]
    pub fn optional<T, E: Error>(slot: Option<Option<T>>, _: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    /// `present`: absent is `None`, null `Some(None)`.
    #[inline(always)]
    pub fn present<T, E: Error>(slot: Option<T>, _: &'static str) -> Result<Option<T>, E> {
        Ok(slot)
    }
}

/// How many entries a property adds to its struct's object, by presence:
/// the length serde's derive passes to `serialize_struct`.
#[doc(hidden)]
pub mod count {
    /// `required`: always written.
    #[inline(always)]
    pub fn required<T>(_: &T) -> usize {
        1
    }
    /// `nullable`: always written (`None` as null).
    #[inline(always)]
    pub fn nullable<T>(_: &Option<T>) -> usize {
        1
    }
    /// `optional`: left out when `None`.
    #[inline(always)]
    pub fn optional<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }
    /// `present`: left out when `None`.
    #[inline(always)]
    pub fn present<T>(value: &Option<Option<T>>) -> usize {
        usize::from(value.is_some())
    }
}

/// Where the properties a struct does not list go (its
/// `additional_properties`) when it is read.
#[doc(hidden)]
#[inline]
pub fn read_rest<'de, A: de::MapAccess<'de>, V: Deserialize<'de>>(
    map: &mut A,
    rest: &mut std::collections::BTreeMap<String, V>,
    key: Key<'de>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    rest.insert(key.into_string(), value);
    Ok(())
}

/// Skips the value of a property the struct does not know.
#[doc(hidden)]
#[inline]
pub fn skip<'de, A: de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// Writes a model struct without additional properties, as serde's derive
/// does: `serialize_struct`, then one `serialize_field` (or `skip_field`)
/// per property in table order.
#[doc(hidden)]
pub struct StructWriter<S: Serializer>(S::SerializeStruct);

impl<S: Serializer> StructWriter<S> {
    /// Starts the struct with `len` written properties.
    #[inline]
    pub fn begin(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        serializer.serialize_struct(name, len).map(Self)
    }

    /// A required property: always written.
    #[inline(always)]
    pub fn required<T: Serialize>(&mut self, name: &'static str, value: &T) -> Result<(), S::Error> {
        self.0.serialize_field(name, value)
    }

    /// A required nullable property (`Option<T>`): always written, `None`
    /// as `null`.
    #[inline(always)]
    pub fn nullable<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
        self.0.serialize_field(name, value)
    }

    /// An optional property (`Option<T>`): left out when `None`.
    #[inline(always)]
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(name, value),
            None => self.0.skip_field(name),
        }
    }

    /// An optional nullable property (`Option<Option<T>>`): left out when
    /// `None`, `null` when `Some(None)`.
    #[inline(always)]
    pub fn present<T: Serialize>(&mut self, name: &'static str, value: &Option<Option<T>>) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(name, value),
            None => self.0.skip_field(name),
        }
    }

    /// Ends the struct.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// Writes a model struct with additional properties: a map of the listed
/// properties, then the others (the way serde writes `#[serde(flatten)]`).
#[doc(hidden)]
pub struct MapWriter<S: Serializer>(S::SerializeMap);

impl<S: Serializer> MapWriter<S> {
    /// Starts the map (its length is not known ahead).
    #[inline]
    pub fn begin(serializer: S, _: &'static str, _: usize) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(Self)
    }

    /// A required property: always written.
    #[inline(always)]
    pub fn required<T: Serialize>(&mut self, name: &'static str, value: &T) -> Result<(), S::Error> {
        self.0.serialize_entry(name, value)
    }

    /// A required nullable property: always written.
    #[inline(always)]
    pub fn nullable<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
        self.0.serialize_entry(name, value)
    }

    /// An optional property: left out when `None`.
    #[inline(always)]
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// An optional nullable property: left out when `None`.
    #[inline(always)]
    pub fn present<T: Serialize>(&mut self, name: &'static str, value: &Option<Option<T>>) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// The properties the struct does not list, after the listed ones.
    #[inline]
    pub fn rest<V: Serialize>(&mut self, rest: &std::collections::BTreeMap<String, V>) -> Result<(), S::Error> {
        rest.iter().try_for_each(|(key, value)| self.0.serialize_entry(key, value))
    }

    /// Ends the map.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// `impl Serialize` and `impl Deserialize` for a model struct, from its
/// property table:
///
/// ```text
/// __impl_object!(Serialize + Deserialize for Pet {
///     id: required "id" i64,           // `i64`: always there
///     name: nullable "name" String,    // `Option<String>`, always there: null → None
///     tag: optional "tag" String,      // `Option<String>`: absent (or null) → None
///     owner: present "owner" Option<Owner>, // `Option<Option<Owner>>`: absent → None, null → Some(None)
/// } ..additional_properties);          // other properties, into a map (else ignored)
/// ```
///
/// Each property names its value's type when it is there (the field's
/// type inside the `Option` of an optional property) so that the decoder's
/// locals are typed where they are declared: left to inference, every
/// property's `Deserialize` bound stays pending until the struct is built,
/// which made big structs slow to check.
///
/// `Serialize for` or `Deserialize for` alone implement one direction.
/// Decoding is lenient where it costs nothing: a `nullable` property may
/// be absent too. Names the expansion introduces are either hygienic
/// locals or start with `__` (which no generated type name does), so no
/// spec name can collide with them.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_object {
    (Serialize + Deserialize for $($object:tt)*) => {
        $crate::__impl_object!(Serialize for $($object)*);
        $crate::__impl_object!(Deserialize for $($object)*);
    };
    (Serialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } $(.. $rest:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                let len = 0 $( + $crate::runtime::count::$presence(&self.$field) )*;
                let mut object = $crate::__impl_object!(@begin serializer, ::std::stringify!($name), len, $($rest)?)?;
                $( object.$presence($wire, &self.$field)?; )*
                $( object.rest(&self.$rest)?; )?
                object.end()
            }
        }
    };
    (Deserialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } $(.. $rest:ident)?) => {
        impl $crate::runtime::FromObject for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: ::std::option::Option<&'static [&'static str]> = $crate::__impl_object!(@fields [$($wire),*] $($rest)?);
            #[allow(unused_mut)]
            fn from_object<'de, __A: ::serde::de::MapAccess<'de>>(mut map: __A) -> ::std::result::Result<Self, __A::Error> {
                $( let mut $field = $crate::runtime::slot::$presence::<$value>(); )*
                $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                while let ::std::option::Option::Some(key) = ::serde::de::MapAccess::next_key::<$crate::runtime::Key<'de>>(&mut map)? {
                    match key.as_str() {
                        $( $wire => $crate::runtime::read::$presence(&mut map, &mut $field, $wire)?, )*
                        _ => $crate::__impl_object!(@other map key $($rest)?),
                    }
                }
                ::std::result::Result::Ok(Self {
                    $( $field: $crate::runtime::finish::$presence::<_, __A::Error>($field, $wire)?, )*
                    $( $rest, )?
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::deserialize_object(deserializer)
            }
        }
    };
    (@begin $serializer:ident, $name:expr, $len:ident, $rest:ident) => { $crate::runtime::MapWriter::begin($serializer, $name, $len) };
    (@begin $serializer:ident, $name:expr, $len:ident,) => { $crate::runtime::StructWriter::begin($serializer, $name, $len) };
    (@fields [$($wire:literal),*] $rest:ident) => { ::std::option::Option::None };
    (@fields [$($wire:literal),*]) => { ::std::option::Option::Some(&[$($wire),*]) };
    (@other $map:ident $key:ident $rest:ident) => { $crate::runtime::read_rest(&mut $map, &mut $rest, $key)? };
    (@other $map:ident $key:ident) => { $crate::runtime::skip(&mut $map)? };
}
