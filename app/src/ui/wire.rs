//! Reading the server's JSON objects in the browser with less code.
//!
//! serde's derived `Deserialize` asks for a struct, which JSON may write as an object or as an
//! array of field values; serde_json then builds both decoders for every struct, each with every
//! field's decoding inlined. The server only ever writes objects, so for the types the first
//! download decodes (the signed-in user, the customer list), [`object_decoder!`] writes a
//! `Deserialize` that reads an object only: about half the code per type, same JSON.

/// `impl Deserialize` for a struct from a JSON object: `object_decoder!(Row { id, #[default] city })`.
/// Fields marked `#[default]` may be missing (their type's default, `None` for an `Option`); the
/// others are required. Unknown keys are skipped, as the derive does.
macro_rules! object_decoder {
    ($ty:ident { $( $(#[$default:ident])? $field:ident ),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("an object for ", stringify!($ty)))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        $( let mut $field = None; )*
                        while let Some(key) = map.next_key::<String>()? {
                            match key.as_str() {
                                $( stringify!($field) => $field = Some(map.next_value()?), )*
                                _ => { map.next_value::<serde::de::IgnoredAny>()?; }
                            }
                        }
                        Ok($ty { $( $field: $crate::ui::wire::object_decoder!(@take $field A $($default)?), )* })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@take $field:ident $map:ident default) => { $field.unwrap_or_default() };
    (@take $field:ident $map:ident) => {
        $field.ok_or_else(|| <$map::Error as serde::de::Error>::missing_field(stringify!($field)))?
    };
}
pub(crate) use object_decoder;

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
    super::object_decoder!(Object { id, name, #[default] tags, #[default] city });

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
}
