use hashtrack::store::Store;
fn main() {
    let store = Store::open(std::path::Path::new("/tmp/demo1/store")).unwrap();
    for entry in store.raw_entries() {
        let (key, snap) = entry.unwrap();
        if !key.contains("/comments/") { continue; }
        let day = &key[..10];
        if !(day >= "2026-11-19" && day <= "2026-11-21") { continue; }
        let page = hashtrack::api::wire::parse_comment_page(snap.body.as_bytes()).unwrap();
        let times: Vec<i64> = page.items.iter().map(|c| c.created_at).collect();
        let min = times.iter().min().copied().unwrap_or(0);
        let max = times.iter().max().copied().unwrap_or(0);
        println!("{key} n={} next={:?} created {}..{} paid_by={}", page.items.len(), page.next_cursor,
          chrono::DateTime::from_timestamp(min,0).unwrap(), chrono::DateTime::from_timestamp(max,0).unwrap(), snap.paid_by);
    }
}
