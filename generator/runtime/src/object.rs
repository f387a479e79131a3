//! Decoding model structs from JSON objects.
//!
//! Generated structs derive `Serialize` but implement `Deserialize` through
//! [`__deserialize_object!`](crate::__deserialize_object): one `visit_map`
//! with one match arm per property. serde's derive emits several visitors
//! per struct (field identifiers by index, name and bytes, sequences,
//! duplicate checks), which on APIs with thousands of models is most of the
//! time `cargo check` takes; JSON needs none of it. Values are decoded as
//! they are read (no intermediate `serde_json::Value`), so a failure still
//! names its JSON path.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

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

/// `impl Deserialize` for a model struct, from its properties:
///
/// ```text
/// __deserialize_object!(Pet {
///     id: required "id",          // absent: an error
///     tag: optional "tag",        // `Option<T>`: absent or null → None
///     owner: present "owner",     // `Option<Option<T>>`: absent → None, null → Some(None)
/// } ..additional_properties);     // other properties, into a map (else ignored)
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __deserialize_object {
    ($name:ident { $($field:ident : $presence:ident $wire:literal),* $(,)? } $(.. $rest:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(::std::concat!("a ", ::std::stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $field = ::std::option::Option::None; )*
                        $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::runtime::Key>()? {
                            match key.as_str() {
                                $( $wire => $crate::__deserialize_object!(@read $presence $field map), )*
                                _ => $crate::__deserialize_object!(@other map key $($rest)?),
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: $crate::__deserialize_object!(@finish $presence $field $wire), )*
                            $( $rest, )?
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (@read required $field:ident $map:ident) => { $field = ::std::option::Option::Some($map.next_value()?) };
    (@read optional $field:ident $map:ident) => { $field = $map.next_value()? };
    (@read present $field:ident $map:ident) => { $field = ::std::option::Option::Some($map.next_value()?) };
    (@finish required $field:ident $wire:literal) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => return ::std::result::Result::Err($crate::runtime::missing($wire)),
        }
    };
    (@finish optional $field:ident $wire:literal) => { $field };
    (@finish present $field:ident $wire:literal) => { $field };
    (@other $map:ident $key:ident $rest:ident) => {{
        $rest.insert($key.into_string(), $map.next_value()?);
    }};
    (@other $map:ident $key:ident) => {{
        $map.next_value::<::serde::de::IgnoredAny>()?;
    }};
}
