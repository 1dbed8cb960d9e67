fn main() {
    let d = wirelab_core::dns::scenario::run(&Default::default()).trace;
    println!("DNS actors {:?}", d.actors.iter().map(|a| &a.id).collect::<Vec<_>>());
    for s in &d.steps { println!("  {} {}->{} {}", s.at, s.from, s.to, s.label); }
    let t = wirelab_core::tcp::run(&Default::default());
    println!("TCP actors {:?}", t.actors.iter().map(|a| &a.id).collect::<Vec<_>>());
    for s in t.steps.iter().take(6) { println!("  {} {}->{} {}", s.at, s.from, s.to, s.label); }
    let l = wirelab_core::tls::run::run(&Default::default()).trace;
    println!("TLS actors {:?}", l.actors.iter().map(|a| &a.id).collect::<Vec<_>>());
    for s in &l.steps { println!("  {} {}->{} {} ({} bytes)", s.at, s.from, s.to, s.label, s.bytes.len()); }
}
