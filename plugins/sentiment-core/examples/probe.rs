use std::io::BufRead;
fn main() {
    let s = sentiment_core::Scorer::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        println!("{:+.3}\t{}", s.score(&line), line);
    }
}
