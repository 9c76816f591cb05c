//! Bar charts as inline SVG, drawn on the server: the browser downloads no chart code, and the
//! picture scales to a phone's width through its viewBox. Each chart carries the numbers it draws,
//! which the page also shows as a table.

use serde::{Deserialize, Serialize};

/// A chart: series names, and per label one value per series (None: not visible to the reader).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub key: String,
    pub title: String,
    pub money: bool,
    pub series: Vec<String>,
    pub rows: Vec<(String, Vec<Option<i64>>)>,
    /// The drawing; empty when there is nothing to draw.
    pub svg: String,
}

#[cfg(feature = "ssr")]
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A short figure for a bar's end: 1.2万 / 3.4亿 in Chinese, 12.3k / 4.5M in English.
#[cfg(feature = "ssr")]
fn short(value: i64, money: bool, zh: bool) -> String {
    let v = if money { value as f64 / 100.0 } else { value as f64 };
    let a = v.abs();
    if zh {
        if a >= 1e8 {
            return format!("{:.1}亿", v / 1e8);
        }
        if a >= 1e4 {
            return format!("{:.1}万", v / 1e4);
        }
    } else {
        if a >= 1e6 {
            return format!("{:.1}M", v / 1e6);
        }
        if a >= 1e3 {
            return format!("{:.1}k", v / 1e3);
        }
    }
    if money { format!("{v:.0}") } else { value.to_string() }
}

/// Draws horizontal bars, one group per label; series are told apart by their class.
#[cfg(feature = "ssr")]
pub fn draw(chart: &mut Chart, zh: bool) {
    const WIDTH: f64 = 600.0;
    const LABEL: f64 = 150.0;
    const BAR: f64 = 14.0;
    const GAP: f64 = 10.0;
    let max = chart.rows.iter().flat_map(|(_, v)| v.iter().flatten().copied()).max().unwrap_or(0);
    if chart.rows.is_empty() || chart.series.is_empty() {
        chart.svg.clear();
        return;
    }
    let group = BAR * chart.series.len() as f64 + GAP;
    let legend = 22.0;
    let height = legend + group * chart.rows.len() as f64 + GAP;
    let scale = if max > 0 { (WIDTH - LABEL - 70.0) / max as f64 } else { 0.0 };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" class=\"chart\" aria-label=\"{}\"><title>{}</title>",
        escape(&chart.title),
        escape(&chart.title)
    );
    for (i, s) in chart.series.iter().enumerate() {
        let x = LABEL + i as f64 * 130.0;
        out.push_str(&format!("<rect x=\"{x}\" y=\"4\" width=\"10\" height=\"10\" class=\"s{i}\"/><text x=\"{}\" y=\"13\" class=\"legend\">{}</text>", x + 14.0, escape(s)));
    }
    for (r, (label, values)) in chart.rows.iter().enumerate() {
        let top = legend + r as f64 * group;
        let shown: String = label.chars().take(12).collect();
        out.push_str(&format!("<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"end\">{}</text>", LABEL - 6.0, top + group / 2.0, escape(&shown)));
        for (i, v) in values.iter().enumerate() {
            let y = top + i as f64 * BAR;
            let Some(v) = v else { continue };
            let w = (*v.max(&0) as f64 * scale).max(if *v > 0 { 1.0 } else { 0.0 });
            out.push_str(&format!(
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" class=\"s{i}\"/><text x=\"{:.1}\" y=\"{}\" class=\"value\">{}</text>",
                BAR - 2.0,
                LABEL + w + 4.0,
                y + BAR - 4.0,
                escape(&short(*v, chart.money, zh))
            ));
        }
    }
    out.push_str("</svg>");
    chart.svg = out;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_labels_are_escaped() {
        let mut c = Chart {
            key: "k".into(),
            title: "A<B".into(),
            money: false,
            series: vec!["x".into()],
            rows: vec![("<script>".into(), vec![Some(10)]), ("b".into(), vec![Some(5)]), ("c".into(), vec![None])],
            svg: String::new(),
        };
        draw(&mut c, true);
        assert!(c.svg.starts_with("<svg"));
        assert!(!c.svg.contains("<script>"));
        assert!(c.svg.contains("&lt;script&gt;"));
        assert!(c.svg.contains("width=\"380.0\""), "{}", c.svg);
        assert!(c.svg.contains("width=\"190.0\""));
        assert_eq!(short(123_456_00, true, true), "12.3万");
        assert_eq!(short(1_500, false, false), "1.5k");
    }
}
