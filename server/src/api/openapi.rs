//! The OpenAPI 3 document of the REST API, made at run time from the API's objects and the Rust
//! types their operations read and answer with ([`domain::integration::api::shapes`]): a field
//! added to a record shows up here by itself.

use domain::integration::api::{shapes, ApiObject, DEFAULT_LIMIT, MAX_LIMIT};
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use super::BASE;

fn error_responses() -> Value {
    let problem = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } } });
    json!({
        "401": { "description": "no valid token (missing, unknown, revoked or expired)", "content": problem["content"] },
        "403": { "description": "the token's user may not do this (or may not change a field)", "content": problem["content"] },
        "404": { "description": "no such record, or not readable by the token's user", "content": problem["content"] },
        "409": { "description": "the record's state does not allow this now", "content": problem["content"] },
        "422": { "description": "the body or a value is not acceptable", "content": problem["content"] },
        "429": { "description": "the token's rate limit is reached; see Retry-After", "content": problem["content"] }
    })
}

fn with_errors(ok_status: &str, ok: Value) -> Value {
    let mut r = error_responses();
    r[ok_status] = ok;
    r
}

fn content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

pub fn document() -> Value {
    let mut g = SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    for object in ApiObject::ALL {
        let s = shapes(object);
        let name = object.path();
        let item = (s.item)(&mut g).to_value();
        let record = (s.record)(&mut g).to_value();
        let create = (s.create)(&mut g).to_value();
        let update = (s.update)(&mut g).to_value();
        let id_param = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } });
        let list_op = json!({
            "operationId": format!("list_{name}"),
            "tags": [name],
            "summary": format!("A page of the {name} the token's user may read"),
            "parameters": [
                { "name": "cursor", "in": "query", "required": false, "schema": { "type": "string" }, "description": "`next` of the previous page" },
                { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT } }
            ],
            "responses": with_errors("200", json!({ "description": "a page", "content": content(json!({
                "type": "object",
                "required": ["items"],
                "properties": { "items": { "type": "array", "items": item }, "next": { "type": "string", "nullable": true } }
            })) }))
        });
        let get_op = json!({
            "operationId": format!("get_{name}"),
            "tags": [name],
            "summary": "One record",
            "parameters": [id_param.clone()],
            "responses": with_errors("200", json!({ "description": "the record", "content": content(record.clone()) }))
        });
        let update_op = json!({
            "operationId": format!("update_{name}"),
            "tags": [name],
            "summary": "Changes a record",
            "parameters": [id_param.clone()],
            "requestBody": { "required": true, "content": content(update) },
            "responses": with_errors("200", json!({ "description": "the record as changed", "content": content(record.clone()) }))
        });
        let mut collection = json!({ "get": list_op });
        if object == ApiObject::Receivables {
            // Receivables are made by signing contracts; what one creates on them is a receipt.
            let created = s.created.map(|f| f(&mut g).to_value()).unwrap_or(record.clone());
            paths.insert(
                format!("{BASE}/{name}/{{id}}/receipts"),
                json!({ "post": {
                    "operationId": "create_receipt",
                    "tags": [name],
                    "summary": "Records a receipt against the receivable (the same idempotency key records it once)",
                    "parameters": [id_param.clone()],
                    "requestBody": { "required": true, "content": content(create) },
                    "responses": with_errors("201", json!({ "description": "the receipt", "content": content(created) }))
                } }),
            );
        } else {
            collection["post"] = json!({
                "operationId": format!("create_{name}"),
                "tags": [name],
                "summary": "Creates a record",
                "requestBody": { "required": true, "content": content(create) },
                "responses": with_errors("201", json!({ "description": "the new record", "content": content(record.clone()) }))
            });
        }
        paths.insert(format!("{BASE}/{name}"), collection);
        paths.insert(format!("{BASE}/{name}/{{id}}"), json!({ "get": get_op, "patch": update_op }));
    }
    let mut schemas: Map<String, Value> = g.take_definitions(true).into_iter().collect();
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "a stable code, e.g. not_found, required, rate_limited" },
                "message": { "type": "string" },
                "field": { "type": "string", "description": "the field at fault, when one is" }
            }
        }),
    );
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "CRM REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Acts as the user who made the personal access token, under exactly their rights. Every call is audited; each token has a rate limit."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "token": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "a personal access token (crm_pat_…) made in the profile" } },
            "schemas": schemas
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` in the document points at a schema it defines.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn the_document_covers_every_object_and_resolves_its_references() {
        let d = document();
        for o in ApiObject::ALL {
            let p = &d["paths"][format!("{BASE}/{}", o.path())];
            assert!(p["get"].is_object(), "{} list", o.path());
            assert!(d["paths"][format!("{BASE}/{}/{{id}}", o.path())]["patch"].is_object());
        }
        assert!(d["paths"][format!("{BASE}/receivables/{{id}}/receipts")]["post"].is_object());
        let mut all = Vec::new();
        refs(&d, &mut all);
        assert!(all.len() > 10);
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("odd reference {r}"));
            assert!(d["components"]["schemas"][name].is_object(), "{r} is not defined");
        }
        // Fields come from the Rust types: the customer view's and the receipt body's.
        assert!(d["components"]["schemas"]["CustomerView"]["properties"]["unit_name"].is_object());
        assert!(d["components"]["schemas"]["ReceiptBody"]["required"].as_array().unwrap().contains(&json!("idempotency_key")));
    }
}
