//! Which text a file's bytes are: UTF-8 with or without a byte order mark, UTF-16 with one, or
//! GB18030 (a superset of GBK and GB2312, what Excel in China saves "CSV" as). Bytes that are none
//! of these are refused rather than guessed into mojibake.

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Gb18030,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16 => "UTF-16",
            Encoding::Gb18030 => "GB18030/GBK",
        }
    }
}

/// The file's text and the encoding it was found in.
pub fn decode(bytes: &[u8]) -> DomainResult<(String, Encoding)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let text = std::str::from_utf8(rest).map_err(|_| DomainError::invalid("file", "encoding"))?;
        return Ok((text.to_string(), Encoding::Utf8Bom));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (enc, rest) = if bytes[0] == 0xFF { (encoding_rs::UTF_16LE, &bytes[2..]) } else { (encoding_rs::UTF_16BE, &bytes[2..]) };
        let (text, had_errors) = enc.decode_without_bom_handling(rest);
        if had_errors {
            return Err(DomainError::invalid("file", "encoding"));
        }
        return Ok((text.into_owned(), Encoding::Utf16));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), Encoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DomainError::invalid("file", "encoding"));
    }
    Ok((text.into_owned(), Encoding::Gb18030))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encodings_excel_writes_are_recognised() {
        let text = "客户名称,电话\n北京华信科技有限公司,010-88886666\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), (text.to_string(), Encoding::Utf8));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), (text.to_string(), Encoding::Utf8Bom));
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err(), "GBK bytes are not UTF-8");
        assert_eq!(decode(&gbk).unwrap(), (text.to_string(), Encoding::Gb18030));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode(&utf16).unwrap(), (text.to_string(), Encoding::Utf16));
        // A lone lead byte at the end is neither UTF-8 nor GB18030.
        assert!(decode(&[b'a', 0x81]).is_err());
    }
}
