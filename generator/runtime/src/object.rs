//! Model structs to and from JSON objects.
//!
//! Generated structs implement `Serialize` and `Deserialize` through
//! [`__impl_object!`](crate::__impl_object), from one property table.
//! serde's derives emit, per struct, several visitors (field identifiers by
//! index, name and bytes, sequences, duplicate checks) and a generic
//! `serialize_field` call with its error handling per property; on APIs
//! with thousands of models that was most of the time `cargo check` takes,
//! and JSON needs none of it. Here a struct's `serialize` is one call with
//! a slice of its properties as trait objects (like the `Debug` derive's),
//! and its decoder one call with a slice of its properties' locals as
//! trait objects ([`read_object`], generic over the input only). Values are
//! decoded as they are read (no intermediate `serde_json::Value`), so a
//! failure still names its JSON path.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{SerializeMap as _, SerializeStruct as _, Serializer};

/// An object key, borrowed from the input when it can be.
#[doc(hidden)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a property name")
            }
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
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The error for a required property the object lacks.
#[doc(hidden)]
pub fn missing<E: de::Error>(property: &'static str) -> E {
    E::missing_field(property)
}

/// A model struct read from the entries of a JSON object (implemented by
/// [`__impl_object!`](crate::__impl_object)).
#[doc(hidden)]
pub trait FromObject: Sized {
    /// The struct's name, for "expected a … object".
    const NAME: &'static str;

    /// Reads the struct from the object's entries.
    fn from_object<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every model struct: one visitor, shared.
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromObject>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(formatter, "a {} object", T::NAME)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// How a property of a model struct may appear in its JSON object (the
/// words of an [`__impl_object!`](crate::__impl_object) table).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always there: the field is `T`.
    Required,
    /// Always there, may be null: the field is `Option<T>` (absent is
    /// read leniently as null).
    Nullable,
    /// May be absent (or null): the field is `Option<T>`.
    Optional,
    /// May be absent, or there and null: the field is `Option<Option<T>>`.
    Present,
}

/// The table's words for [`Presence`], so that the macro can name them.
#[doc(hidden)]
#[allow(non_upper_case_globals)]
pub mod presence {
    use super::Presence;
    pub const required: Presence = Presence::Required;
    pub const nullable: Presence = Presence::Nullable;
    pub const optional: Presence = Presence::Optional;
    pub const present: Presence = Presence::Present;
}

/// A model struct's property while its object is read: its name, its
/// presence, and the decoder's local its value goes to. A plain tuple
/// struct, so that a struct's decoder builds its table of fields without
/// a function call (or a type to infer) per property.
#[doc(hidden)]
pub struct Field<'a, 'de, A>(pub &'static str, pub Presence, pub &'a mut dyn Slot<'de, A>);

/// Where one property's value is decoded to: an `Option<T>` local of
/// `from_object`, as a trait object so that one [`read_object`] (generic
/// over the input only) serves every struct.
#[doc(hidden)]
pub trait Slot<'de, A: de::MapAccess<'de>> {
    /// Reads the entry's value: `T` into `Some`, or, when `or_null`, an
    /// `Option<T>` (null → `None`).
    fn read(&mut self, map: &mut A, or_null: bool) -> Result<(), A::Error>;
}

impl<'de, A: de::MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Option<T> {
    fn read(&mut self, map: &mut A, or_null: bool) -> Result<(), A::Error> {
        *self = if or_null { map.next_value()? } else { Some(map.next_value()?) };
        Ok(())
    }
}

/// Where the properties a struct does not list go (its
/// `additional_properties`).
#[doc(hidden)]
pub trait RestSlot<'de, A: de::MapAccess<'de>> {
    /// Reads the entry's value and keeps it under its key.
    fn insert(&mut self, map: &mut A, key: Key<'de>) -> Result<(), A::Error>;
}

impl<'de, A: de::MapAccess<'de>, V: Deserialize<'de>> RestSlot<'de, A> for std::collections::BTreeMap<String, V> {
    fn insert(&mut self, map: &mut A, key: Key<'de>) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key.into_string(), value);
        Ok(())
    }
}

/// The loop of every model struct's decoder: each entry's value goes to
/// the field its key names (the last one wins when a key repeats), or to
/// `rest`, or is skipped. Values are decoded as they are read, so a
/// failure names its JSON path.
#[doc(hidden)]
pub fn read_object<'de, A: de::MapAccess<'de>>(
    mut map: A,
    fields: &mut [Field<'_, 'de, A>],
    mut rest: Option<&mut dyn RestSlot<'de, A>>,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        match fields.iter_mut().find(|field| field.0 == key.as_str()) {
            // `Some(T)`, or, for a property that may be null, `Option<T>`
            // (a `present` property's `T` is itself an `Option`).
            Some(Field(_, presence, slot)) => {
                slot.read(&mut map, matches!(presence, Presence::Nullable | Presence::Optional))?
            }
            None => match rest.as_deref_mut() {
                Some(rest) => rest.insert(&mut map, key)?,
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            },
        }
    }
    Ok(())
}

/// One property of a model struct, as [`serialize_object`] writes it: its
/// name, and its value unless the property is left out (an optional one
/// that is `None`). Built by the functions of [`property`].
#[doc(hidden)]
pub struct Property<'a> {
    name: &'static str,
    value: Option<&'a dyn erased_serde::Serialize>,
}

/// How [`__impl_object!`](crate::__impl_object) hands each property to
/// [`serialize_object`], by presence (named as in the table).
#[doc(hidden)]
pub mod property {
    use super::Property;
    use serde::Serialize;

    /// A required property: always written.
    pub fn required<'a, T: Serialize>(name: &'static str, value: &'a T) -> Property<'a> {
        Property { name, value: Some(value) }
    }

    /// A required nullable property (`Option<T>`): always written, `None`
    /// as `null`.
    pub fn nullable<'a, T: Serialize>(name: &'static str, value: &'a Option<T>) -> Property<'a> {
        Property { name, value: Some(value) }
    }

    /// An optional property (`Option<T>`): left out when `None`.
    pub fn optional<'a, T: Serialize>(name: &'static str, value: &'a Option<T>) -> Property<'a> {
        Property { name, value: value.as_ref().map(|value| value as &dyn erased_serde::Serialize) }
    }

    /// An optional nullable property (`Option<Option<T>>`): left out when
    /// `None`, `null` when `Some(None)`.
    pub fn present<'a, T: Serialize>(name: &'static str, value: &'a Option<Option<T>>) -> Property<'a> {
        Property { name, value: value.as_ref().map(|value| value as &dyn erased_serde::Serialize) }
    }
}

/// The properties a struct does not list (its `additional_properties`),
/// written after the listed ones.
#[doc(hidden)]
pub trait Rest {
    /// Every entry, in order.
    fn entries(&self) -> Vec<(&str, &dyn erased_serde::Serialize)>;
}

impl<V: serde::Serialize> Rest for std::collections::BTreeMap<String, V> {
    fn entries(&self) -> Vec<(&str, &dyn erased_serde::Serialize)> {
        self.iter().map(|(key, value)| (key.as_str(), value as &dyn erased_serde::Serialize)).collect()
    }
}

/// `Serialize::serialize` of every model struct: the properties in table
/// order (as a struct, or as a map when there is a `rest` to append, the
/// way serde writes `#[serde(flatten)]`).
#[doc(hidden)]
pub fn serialize_object<S: Serializer>(
    serializer: S,
    name: &'static str,
    properties: &[Property<'_>],
    rest: &[&dyn Rest],
) -> Result<S::Ok, S::Error> {
    if rest.is_empty() {
        let present = properties.iter().filter(|property| property.value.is_some()).count();
        let mut object = serializer.serialize_struct(name, present)?;
        for property in properties {
            match property.value {
                Some(value) => object.serialize_field(property.name, value)?,
                None => object.skip_field(property.name)?,
            }
        }
        return object.end();
    }
    let mut object = serializer.serialize_map(None)?;
    for property in properties {
        if let Some(value) = property.value {
            object.serialize_entry(property.name, value)?;
        }
    }
    for (key, value) in rest.iter().flat_map(|rest| rest.entries()) {
        object.serialize_entry(key, value)?;
    }
    object.end()
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
/// type inside the `Option` of an optional property) so that the decoder's locals are typed where they are
/// declared: left to inference, every property's `Deserialize` bound stays
/// pending until the struct is built, which made big structs slow to check.
///
/// `Serialize for` or `Deserialize for` alone implement one direction.
/// Decoding is lenient where it costs nothing: a `nullable` property may
/// be absent too.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_object {
    (Serialize + Deserialize for $($object:tt)*) => {
        $crate::__impl_object!(Serialize for $($object)*);
        $crate::__impl_object!(Deserialize for $($object)*);
    };
    (Serialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } $(.. $rest:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::runtime::serialize_object(
                    serializer,
                    ::std::stringify!($name),
                    &[ $( $crate::runtime::property::$presence($wire, &self.$field), )* ],
                    &[ $( &self.$rest )? ],
                )
            }
        }
    };
    (Deserialize for $name:ident { $($field:ident : $presence:ident $wire:literal $value:ty),* $(,)? } $(.. $rest:ident)?) => {
        impl $crate::runtime::FromObject for $name {
            const NAME: &'static str = ::std::stringify!($name);
            fn from_object<'de, A: ::serde::de::MapAccess<'de>>(map: A) -> ::std::result::Result<Self, A::Error> {
                $( let mut $field = ::std::option::Option::None::<$value>; )*
                $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                $crate::runtime::read_object(
                    map,
                    &mut [ $( $crate::runtime::Field($wire, $crate::runtime::presence::$presence, &mut $field), )* ],
                    $crate::__impl_object!(@rest $($rest)?),
                )?;
                ::std::result::Result::Ok(Self {
                    $( $field: $crate::__impl_object!(@finish $presence $field $wire), )*
                    $( $rest, )?
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::deserialize_object(deserializer)
            }
        }
    };
    (@finish required $field:ident $wire:literal) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => return ::std::result::Result::Err($crate::runtime::missing($wire)),
        }
    };
    (@finish $presence:ident $field:ident $wire:literal) => { $field };
    (@rest $rest:ident) => { ::std::option::Option::Some(&mut $rest) };
    (@rest) => { ::std::option::Option::None };
}
