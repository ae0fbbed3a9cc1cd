//! The README's main command, run as a test so it cannot rot: the walkthrough's whole output
//! is checked.

#[path = "../house_price.rs"]
#[allow(dead_code)]
mod house_price;

#[test]
fn the_walkthrough_tells_the_whole_story() {
    let mut out = Vec::new();
    house_price::walkthrough(&mut out).expect("the walkthrough runs");
    let text = String::from_utf8(out).unwrap();
    let dir_line = text
        .lines()
        .find(|l| l.starts_with("saved to "))
        .unwrap()
        .to_owned();
    let expected = include_str!("house_price.expected.txt").replace("saved to DIR", &dir_line);
    assert_eq!(text, expected);
}
