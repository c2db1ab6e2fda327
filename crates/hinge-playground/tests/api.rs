//! The playground's server through its real binary on 127.0.0.1: sessions train and send
//! frames, bad requests of every kind get a 4xx with a message and leave the server serving,
//! a dropped tab frees its session within a second, and a full server says it is busy.

mod common;

use std::time::{Duration, Instant};

use common::Playground;
use serde_json::json;

#[test]
fn a_session_trains_the_tutorials_run_to_full_test_accuracy() {
    let server = Playground::start(&[]);
    let (id, mut settings) = server.session();
    let mut events = server.events(id);
    settings["losses"] = json!(["hinge"]);
    settings["epochs_per_second"] = json!(1000);
    let (status, answer) = server.post_json(&format!("/api/sessions/{id}/settings"), &settings);
    assert_eq!(status, 200, "{answer}");
    let start = events.next_of("start");
    assert_eq!(start["members"].as_array().unwrap().len(), 1);
    let (status, _) = server.post_json(
        &format!("/api/sessions/{id}/control"),
        &json!({"action": "play"}),
    );
    assert_eq!(status, 200);
    let started = Instant::now();
    let mut epoch = 0;
    while epoch < 30 {
        let frame = events.next_of("frame");
        epoch = frame["epoch"].as_u64().unwrap();
        if epoch == 30 {
            assert_eq!(frame["test_accuracy"][0], 1.0, "{frame}");
        }
    }
    eprintln!("30 epochs through the API in {:?}", started.elapsed());
}

#[test]
fn a_session_spreads_over_learning_rates_and_counts_each_at_full_accuracy() {
    let server = Playground::start(&[]);
    let (id, mut settings) = server.session();
    let mut events = server.events(id);
    settings["losses"] = json!(["hinge"]);
    settings["lr"] = json!([0.003, 0.03, 0.3]);
    settings["seeds"] = json!(2);
    settings["epochs_per_second"] = json!(1000);
    let (status, answer) = server.post_json(&format!("/api/sessions/{id}/settings"), &settings);
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["command"]
            .as_str()
            .unwrap()
            .starts_with("lab sweep --seeds 2 --first-seed 42 --loss hinge --noise 0 --factor 0.1 --lr 0.003,0.03,0.3 --l2 0 "),
        "{answer}"
    );
    let start = events.next_of("start");
    let rates: Vec<f64> = start["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["learning_rate"].as_f64().unwrap())
        .collect();
    assert_eq!(rates, [0.003, 0.003, 0.03, 0.03, 0.3, 0.3]);
    server.post_json(
        &format!("/api/sessions/{id}/control"),
        &json!({"action": "play"}),
    );
    let frame = loop {
        let frame = events.next_of("frame");
        if frame["epoch"] == 30 {
            break frame;
        }
    };
    let cells = frame["full"].as_array().unwrap();
    let shown: Vec<(f64, u64)> = cells
        .iter()
        .map(|c| {
            (
                c["learning_rate"].as_f64().unwrap(),
                c["members"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown, [(0.003, 2), (0.03, 2), (0.3, 2)]);
    // The tutorial's run, seed 42 at 0.03, reaches 100% as it does alone.
    assert_eq!(frame["test_accuracy"][2], 1.0, "{frame}");
    let counted: u64 = frame["test_accuracy"]
        .as_array()
        .unwrap()
        .chunks(2)
        .zip(cells)
        .map(|(accuracies, cell)| {
            let full = accuracies
                .iter()
                .filter(|a| a.as_f64() == Some(1.0))
                .count() as u64;
            assert_eq!(cell["full"].as_u64(), Some(full), "{frame}");
            full
        })
        .sum();
    eprintln!("{counted} of 6 members at 100% after 30 epochs: {cells:?}");
    // A member's download is named by its rate too, so two members' folders never clash.
    let (status, archive) = server.request_bytes(
        "GET",
        &format!("/api/sessions/{id}/members/2/run.tar"),
        "text/plain",
        b"",
    );
    assert_eq!(status, 200);
    assert!(
        archive.starts_with(b"hinge-lr-0.03-seed-42/config.json\0"),
        "{}",
        String::from_utf8_lossy(&archive[..100])
    );
}

#[test]
fn bad_requests_get_a_4xx_with_a_message_and_the_server_keeps_serving() {
    let server = Playground::start(&[]);
    let (id, defaults) = server.session();
    let _events = server.events(id);
    let settings = format!("/api/sessions/{id}/settings");
    let with = |key: &str, value: serde_json::Value| {
        let mut s = defaults.clone();
        s[key] = value;
        s
    };
    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            "settings",
            b"{not json".to_vec(),
            "application/json",
            400,
            "",
        ),
        (
            "settings",
            with("lr", json!(-1)).to_string().into_bytes(),
            "application/json",
            400,
            "-1",
        ),
        (
            "settings",
            with("seeds", json!(1000)).to_string().into_bytes(),
            "application/json",
            400,
            "1 to 100",
        ),
        (
            "settings",
            with("dataset", json!("mnist")).to_string().into_bytes(),
            "application/json",
            422,
            "mnist",
        ),
        (
            "settings",
            with("lr", json!([])).to_string().into_bytes(),
            "application/json",
            400,
            "choose at least one learning rate",
        ),
        (
            "settings",
            with("l2", json!("lots")).to_string().into_bytes(),
            "application/json",
            422,
            "a number or a list of numbers",
        ),
        (
            "settings",
            with("hidden", json!([4, 40])).to_string().into_bytes(),
            "application/json",
            400,
            "at most 8",
        ),
        (
            "settings",
            with("noise", json!(-0.5)).to_string().into_bytes(),
            "application/json",
            400,
            "noise",
        ),
        (
            "settings",
            with("typo", json!(1)).to_string().into_bytes(),
            "application/json",
            422,
            "typo",
        ),
        (
            "control",
            br#"{"action":"jump"}"#.to_vec(),
            "application/json",
            422,
            "jump",
        ),
        (
            "data",
            b"x,y,label\n0,0,0\n1,1,1\n0.5,oops,1\n".to_vec(),
            "text/csv",
            400,
            "line 4",
        ),
        (
            "data",
            vec![b'1'; 600 * 1024],
            "text/csv",
            413,
            "at most 512 KiB",
        ),
        (
            "settings",
            vec![b' '; 64 * 1024],
            "application/json",
            413,
            "",
        ),
    ];
    let started = Instant::now();
    for round in 0..1000 {
        let (endpoint, body, content_type, status, words) = &cases[round % cases.len()];
        let path = format!("/api/sessions/{id}/{endpoint}");
        let (got, text) = server.request("POST", &path, content_type, body);
        assert_eq!(got, *status, "{endpoint} {round}: {text}");
        assert!(text.contains(words), "{endpoint} {round}: {text}");
        assert!(!text.contains('\n') || text.lines().count() <= 3, "{text}");
    }
    eprintln!("1000 bad requests in {:?}", started.elapsed());
    // Still serving: the page, and a good request.
    let (status, page) = server.request("GET", "/", "text/plain", b"");
    assert_eq!(status, 200);
    assert!(page.contains("hinge-lab playground"));
    let (status, answer) = server.post_json(&settings, &defaults);
    assert_eq!(status, 200, "{answer}");
    let (status, answer) =
        server.post_json("/api/sessions/999999/control", &json!({"action": "play"}));
    assert_eq!(status, 404);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("no session 999999")
    );
}

#[test]
fn a_dropped_tab_frees_its_session_within_a_second_and_a_full_server_is_busy() {
    let server = Playground::start(&["--max-sessions", "2"]);
    let (a, settings) = server.session();
    let (b, _) = server.session();
    let events_a = server.events(a);
    let mut events_b = server.events(b);
    for id in [a, b] {
        let (status, _) = server.post_json(&format!("/api/sessions/{id}/settings"), &settings);
        assert_eq!(status, 200);
        server.post_json(
            &format!("/api/sessions/{id}/control"),
            &json!({"action": "play"}),
        );
    }
    events_b.next_of("frame");
    assert_eq!(server.live_sessions(), 2);
    let (status, answer) = server.post_json("/api/sessions", &json!({}));
    assert_eq!(status, 503);
    assert!(
        answer["error"].as_str().unwrap().starts_with("busy"),
        "{answer}"
    );
    drop(events_a);
    let dropped = Instant::now();
    while server.live_sessions() > 1 {
        assert!(
            dropped.elapsed() < Duration::from_secs(1),
            "session {a} still lives"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The other session trains on, untouched.
    let before = events_b.next_of("frame")["epoch"].as_u64().unwrap();
    let after = events_b.next_of("frame")["epoch"].as_u64().unwrap();
    assert!(after > before);
}

#[test]
fn a_busy_port_is_one_line_naming_it() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_playground"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{stderr}"
    );
}

#[test]
fn eight_sessions_training_at_once_each_keep_receiving_frames() {
    let server = Playground::start(&[]);
    let mut streams = Vec::new();
    for _ in 0..8 {
        let (id, settings) = server.session();
        let events = server.events(id);
        let (status, answer) = server.post_json(&format!("/api/sessions/{id}/settings"), &settings);
        assert_eq!(status, 200, "{answer}");
        server.post_json(
            &format!("/api/sessions/{id}/control"),
            &json!({"action": "play"}),
        );
        streams.push(events);
    }
    assert_eq!(server.live_sessions(), 8);
    let started = Instant::now();
    for round in 1..=5 {
        // The first frame is the start's, before any epoch.
        for (index, events) in streams.iter_mut().enumerate() {
            let epoch = events.next_of("frame")["epoch"].as_u64().unwrap();
            assert!(
                epoch + 1 >= round,
                "session {index} is at epoch {epoch} in round {round}"
            );
        }
    }
    eprintln!("8 sessions x 5 frames each in {:?}", started.elapsed());
}

#[test]
fn a_members_run_folder_downloads_for_predict_and_the_network_view_follows_the_click() {
    let server = Playground::start(&[]);
    let (id, settings) = server.session();
    let mut events = server.events(id);
    server.post_json(&format!("/api/sessions/{id}/settings"), &settings);
    let first = events.next_of("frame");
    assert_eq!(first["network"]["member"], 0);
    assert_eq!(first["network"]["widths"], json!([4, 2, 1]));
    assert_eq!(first["network"]["maps"][0].as_array().unwrap().len(), 4);
    server.post_json(
        &format!("/api/sessions/{id}/control"),
        &json!({"action": "step"}),
    );
    events.next_of("frame");
    let (status, _) = server.post_json(
        &format!("/api/sessions/{id}/control"),
        &json!({"action": "inspect", "member": 1}),
    );
    assert_eq!(status, 200);
    assert_eq!(events.next_of("frame")["network"]["member"], 1);

    let (status, archive) = server.request_bytes(
        "GET",
        &format!("/api/sessions/{id}/members/1/run.tar"),
        "text/plain",
        b"",
    );
    assert_eq!(status, 200);
    // The archive as tar writes it: a 512-byte header (name, octal size), the bytes, padding.
    let bytes = &archive[..];
    let folder = std::env::temp_dir().join(format!("playground-run-{}", std::process::id()));
    let mut at = 0;
    let mut names = Vec::new();
    while at + 512 <= bytes.len() && bytes[at] != 0 {
        let name = String::from_utf8_lossy(&bytes[at..at + 100])
            .trim_end_matches('\0')
            .to_string();
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&bytes[at + 124..at + 135]).trim_end_matches('\0'),
            8,
        )
        .unwrap();
        let path = folder.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes[at + 512..at + 512 + size]).unwrap();
        names.push(name);
        at += 512 + size.div_ceil(512) * 512;
    }
    assert_eq!(
        names,
        [
            "squared-hinge-seed-42/config.json",
            "squared-hinge-seed-42/model.bpk"
        ]
    );
    let run = hinge_train::RunDir::new(folder.join("squared-hinge-seed-42"));
    let config = run.load_config().unwrap();
    assert_eq!(config.config().loss.to_string(), "squared-hinge");
    run.load_model(&burn::tensor::Device::flex()).unwrap();
    std::fs::remove_dir_all(&folder).unwrap();

    let (status, text) = server.request(
        "GET",
        &format!("/api/sessions/{id}/members/7/run.tar"),
        "text/plain",
        b"",
    );
    assert_eq!(status, 400);
    assert!(text.contains("no member 7: there are 2"), "{text}");
}
