//! Reading the server's JSON objects in the browser with less code.
//!
//! serde's derived `Deserialize` asks for a struct, which JSON may write as an object or as an
//! array of field values; serde_json then builds both decoders for every struct, each with every
//! field's decoding inlined. The server only ever writes objects, so for the types the first
//! download decodes (the signed-in user, the customer list, the live connection's messages),
//! [`object_decoder!`](crate::object_decoder) writes a `Deserialize` that reads an object only:
//! about half the code per type, same JSON.

#[doc(hidden)]
pub use serde as __serde;

/// `impl Deserialize` for a struct from a JSON object: `object_decoder!(Row { id, #[default] city })`.
/// Fields marked `#[default]` may be missing (their type's default, `None` for an `Option`); the
/// others are required. `kind = "type"` reads the field `kind` from the key `type`. Unknown keys
/// are skipped, as the derive does. A generic struct is decoded for one parameter:
/// `object_decoder!(Event<Details> { .. })`.
#[macro_export]
macro_rules! object_decoder {
    ($ty:ident $(<$param:ty>)? { $( $(#[$default:ident])? $field:ident $(= $key:literal)? ),* $(,)? }) => {
        impl<'de> $crate::wire::__serde::Deserialize<'de> for $ty $(<$param>)? {
            fn deserialize<D: $crate::wire::__serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> $crate::wire::__serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $ty $(<$param>)?;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
                        f.write_str(concat!("an object for ", stringify!($ty)))
                    }
                    fn visit_map<A: $crate::wire::__serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<Self::Value, A::Error> {
                        $( let mut $field = ::core::option::Option::None; )*
                        while let ::core::option::Option::Some(key) = map.next_key::<::std::string::String>()? {
                            match key.as_str() {
                                $( $crate::object_decoder!(@key $field $($key)?) => $field = ::core::option::Option::Some(map.next_value()?), )*
                                _ => { map.next_value::<$crate::wire::__serde::de::IgnoredAny>()?; }
                            }
                        }
                        ::core::result::Result::Ok($ty { $( $field: $crate::object_decoder!(@take $field A $($key)? $($default)?), )* })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@key $field:ident $key:literal) => { $key };
    (@key $field:ident) => { stringify!($field) };
    (@take $field:ident $map:ident $($key:literal)? default) => { $field.unwrap_or_default() };
    (@take $field:ident $map:ident $($key:literal)?) => {
        $field.ok_or_else(|| <$map::Error as $crate::wire::__serde::de::Error>::missing_field($crate::object_decoder!(@key $field $($key)?)))?
    };
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Derived {
        id: i64,
        name: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        city: Option<String>,
    }

    #[derive(Debug, PartialEq, Serialize)]
    struct Object {
        id: i64,
        name: String,
        tags: Vec<String>,
        city: Option<String>,
    }
    crate::object_decoder!(Object { id, name, #[default] tags, #[default] city });

    fn both(json: &str) -> (Result<Derived, String>, Result<Object, String>) {
        (serde_json::from_str(json).map_err(|e| e.to_string()), serde_json::from_str(json).map_err(|e| e.to_string()))
    }

    #[test]
    fn reads_what_the_derive_reads_from_an_object() {
        for json in [
            r#"{"id":1,"name":"甲","tags":["a","b"],"city":"北京"}"#,
            r#"{"city":null,"name":"x","id":-7}"#,
            r#"{"id":2,"name":"y","unknown":{"deep":[1,2,{"z":null}]},"tags":[]}"#,
        ] {
            let (derived, object) = both(json);
            let derived = derived.unwrap();
            let object = object.unwrap();
            assert_eq!((object.id, &object.name, &object.tags, &object.city), (derived.id, &derived.name, &derived.tags, &derived.city), "{json}");
            assert_eq!(serde_json::to_string(&object).unwrap(), serde_json::to_string(&derived).unwrap());
        }
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for json in [r#"{"name":"x"}"#, r#"{"id":"1","name":"x"}"#, r#"[1,"x",[],null]"#, r#""x""#, r#"{"id":1,"name":"x""#] {
            assert!(both(json).1.is_err(), "{json}");
        }
        let missing = both(r#"{"id":1}"#).1.unwrap_err();
        assert!(missing.contains("missing field `name`"), "{missing}");
    }

    #[derive(Debug, PartialEq)]
    struct Renamed {
        kind: String,
        last_id: Option<i64>,
    }
    crate::object_decoder!(Renamed { kind = "type", #[default] last_id });

    #[test]
    fn reads_a_field_from_the_key_it_is_given() {
        let read: Renamed = serde_json::from_str(r#"{"type":"hello","last_id":3}"#).unwrap();
        assert_eq!(read, Renamed { kind: "hello".into(), last_id: Some(3) });
        let missing = serde_json::from_str::<Renamed>(r#"{"kind":"hello"}"#).unwrap_err().to_string();
        assert!(missing.contains("missing field `type`"), "{missing}");
    }
}
