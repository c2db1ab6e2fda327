//! The page in a real browser: Debian's headless Chromium, driven through chromedriver, against
//! the real `playground` binary. Play trains the tutorial's run to 100% test accuracy, the
//! default compares the two losses side by side, a population of 20 shows its count, a bad CSV
//! names its line, and a knob in the URL is restored. Screenshots are written under the test's
//! temporary folder (`target/tmp/playground/`).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::Playground;
use common::webdriver::Browser;
use hinge_cli::DatasetChoice;
use hinge_model::{Activation, Feature, LossKind, OutputActivation};

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The page with its session started and its first frame drawn.
fn loaded(browser: &Browser, url: &str) {
    browser.open(url);
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length > 0 && document.getElementById('epoch').textContent === '000'",
        Duration::from_secs(20),
    );
}

/// The page's lists are the Rust enums' names: it has no copy of its own to fall behind.
fn the_controls_offer_what_the_types_allow(browser: &Browser) {
    let offered = |selector: &str, attribute: &str| -> Vec<String> {
        let script =
            format!("return [...document.querySelectorAll('{selector}')].map(e => e.{attribute});");
        serde_json::from_value(browser.run(&script)).unwrap()
    };
    let names = |names: Vec<&str>| -> Vec<String> { names.into_iter().map(String::from).collect() };
    let two_class: Vec<&str> = LossKind::TWO_CLASS.iter().map(|l| l.name()).collect();
    assert_eq!(
        offered("#dataset button", "textContent"),
        names(DatasetChoice::names())
    );
    assert_eq!(offered("#losses input", "value"), names(two_class));
    assert_eq!(offered("#features input", "value"), names(Feature::names()));
    assert_eq!(
        offered("#activation option", "value"),
        names(Activation::names())
    );
    assert_eq!(
        offered("#output option", "value"),
        names(OutputActivation::names())
    );
    // The pace's list and the seeds' limit are the server's too.
    let max = browser.run("return document.getElementById('seeds').max;");
    assert_eq!(max, hinge_playground::settings::MAX_SEEDS.to_string());
    // A favicon is served, so a browser logs no error for it.
    let icon = browser.run(
        "return fetch('/favicon.ico').then(r => r.status + ' ' + r.headers.get('content-type'));",
    );
    assert_eq!(icon, "200 image/svg+xml");
}

#[test]
fn the_page_trains_compares_counts_a_population_names_a_bad_line_and_keeps_its_url() {
    let server = Playground::start(&[]);
    let browser = Browser::start();
    let shots = screenshots();

    // Play: the tutorial's two losses, side by side, to 100% test accuracy.
    loaded(&browser, &server.url());
    let panels = browser.run("return document.querySelectorAll('#surfaces canvas').length;");
    assert_eq!(panels, 2, "the default compares hinge and squared hinge");
    the_controls_offer_what_the_types_allow(&browser);
    browser.click("#play");
    browser.wait_for(
        "[...document.querySelectorAll('.test-accuracy')].length === 2 && [...document.querySelectorAll('.test-accuracy')].every(e => e.textContent === '100.0%')",
        Duration::from_secs(20),
    );
    browser.wait_for(
        "Number(document.getElementById('epoch').textContent) >= 30",
        Duration::from_secs(20),
    );
    let timing = browser.run(
        "const t = window.timing; const first = t.frames[0]; const at30 = t.frames.find(f => f.epoch >= 30); \
         return { first: first.at - t.play, to30: at30.at - t.play, frames: t.frames.length, \
                  span: t.frames[t.frames.length - 1].at - first.at };",
    );
    // Reported, not asserted: speed is measured, never a timed test (docs/playground.md).
    let rate =
        (timing["frames"].as_f64().unwrap() - 1.0) / (timing["span"].as_f64().unwrap() / 1e3);
    eprintln!(
        "after play: first frame {:.0} ms, epoch 30 at {:.0} ms, {rate:.1} frames/s",
        timing["first"].as_f64().unwrap(),
        timing["to30"].as_f64().unwrap()
    );
    browser.screenshot(&shots.join("compare.png"));
    browser.click("#play");

    // The state lives in the URL: a link with a knob set opens with it.
    let command = browser.run("return document.getElementById('command').textContent;");
    assert_eq!(command, "circles --validation-split 0");
    let url = format!(
        "{}#dataset=moons&noise=0.2&losses=hinge&seeds=1&hidden=8,4",
        server.url()
    );
    browser.open("about:blank");
    loaded(&browser, &url);
    assert_eq!(
        browser.run("return document.getElementById('noise').value;"),
        "0.2"
    );
    assert_eq!(
        browser.run("return document.querySelector('#dataset button.on').textContent;"),
        "moons"
    );
    let command = browser.run("return document.getElementById('command').textContent;");
    let command = command.as_str().unwrap();
    for flag in [
        "--loss hinge",
        "--dataset moons",
        "--noise 0.2",
        "--hidden 8,4",
    ] {
        assert!(command.contains(flag), "{flag} missing from {command}");
    }

    // A population of 20 seeds shows how many reach 100%.
    browser.run(
        "const s = document.getElementById('seeds'); s.value = 20; s.dispatchEvent(new Event('change')); return null;",
    );
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length === 20",
        Duration::from_secs(20),
    );
    browser.click("#play");
    let count = browser.wait_for(
        "Number(document.getElementById('epoch').textContent) >= 20 && document.getElementById('population').textContent",
        Duration::from_secs(60),
    );
    let count = count.as_str().unwrap();
    assert!(
        count.starts_with("hinge ") && count.ends_with("/20 at 100% test accuracy"),
        "{count}"
    );
    browser.click("#play");
    // A click on a member shows its network and offers its run folder.
    browser.click("#surfaces .panel:nth-child(4) canvas");
    browser.wait_for(
        "document.getElementById('network-title').textContent === 'Network of hinge, seed 45'",
        Duration::from_secs(10),
    );
    let link = browser.run("return document.getElementById('download').getAttribute('href');");
    assert!(
        link.as_str().unwrap().ends_with("/members/3/run.tar"),
        "{link}"
    );
    browser.screenshot(&shots.join("population.png"));

    // A CSV with a bad line is refused, naming the line.
    let csv = shots.join("bad.csv");
    std::fs::write(&csv, "x,y,label\n0,0,0\n1,1,1\n0.5,oops,1\n").unwrap();
    browser.type_into("#upload", csv.to_str().unwrap());
    let error = browser.wait_for(
        "document.getElementById('error').textContent",
        Duration::from_secs(10),
    );
    // The CLI's own message for the same file (`circles --data bad.csv`).
    assert_eq!(error, "line 4, column y: 'oops' is not a number");
    // A good one trains.
    let good = shots.join("good.csv");
    let rows: String = (0..200)
        .map(|i| {
            let a = i as f64 * 0.7;
            let r = if i % 2 == 0 { 0.3 } else { 1.0 };
            format!("{},{},{}\n", r * a.cos(), r * a.sin(), i % 2)
        })
        .collect();
    std::fs::write(&good, rows).unwrap();
    browser.type_into("#upload", good.to_str().unwrap());
    browser.wait_for(
        "document.getElementById('upload-status').textContent === '200 points uploaded' && document.querySelector('#dataset button.on').textContent === 'uploaded'",
        Duration::from_secs(10),
    );
    assert_eq!(
        browser.run("return document.getElementById('error').textContent;"),
        ""
    );

    // The population on the page: 100 seeds x hinge and squared hinge, unpaced. Its
    // rate is printed for the record, not asserted.
    let url = format!(
        "{}#seeds=100&losses=hinge,squared-hinge&epochs_per_second=1000",
        server.url()
    );
    browser.open("about:blank");
    browser.open(&url);
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length === 200",
        Duration::from_secs(30),
    );
    browser.click("#play");
    browser.wait_for(
        "Number(document.getElementById('epoch').textContent) >= 12",
        Duration::from_secs(60),
    );
    let rate = browser.run(
        "const f = window.timing.frames; const a = f[1], b = f[f.length - 1]; \
         return (b.epoch - a.epoch) / ((b.at - a.at) / 1000);",
    );
    eprintln!("a population of 200 on the page: {rate} epochs/s");
    browser.wait_for(
        "/^hinge \\d+\\/100, squared-hinge \\d+\\/100 at 100% test accuracy$/.test(document.getElementById('population').textContent) && document.querySelectorAll('.loss-group h3').length === 2",
        Duration::from_secs(10),
    );

    rates_laid_out_as_a_grid(&browser, &server, &shots);

    // A real table: breast cancer's 30 features train to over 90% and show, in place of the
    // plane's surfaces, each loss's margin histogram and the test points on their principal
    // components.
    browser.open("about:blank");
    loaded(
        &browser,
        &format!("{}#dataset=breast-cancer&seeds=1", server.url()),
    );
    // The page's test share, 0.25 of 569 rows rounded up, as the CLI splits a table.
    margins_shown(&browser, 143);
    browser.click("#play");
    browser.wait_for(
        "Number(document.getElementById('epoch').textContent) >= 10 && [...document.querySelectorAll('.test-accuracy')].every(e => parseFloat(e.textContent) > 90)",
        Duration::from_secs(30),
    );
    browser.click("#play");
    let title = browser.run("return document.getElementById('network-title').textContent;");
    assert!(
        title
            .as_str()
            .unwrap()
            .starts_with("Test points of hinge, seed 42"),
        "{title}"
    );
    let command = browser.run("return document.getElementById('command').textContent;");
    assert!(
        command
            .as_str()
            .unwrap()
            .contains("--dataset breast-cancer"),
        "{command}"
    );
    browser.screenshot(&shots.join("breast-cancer.png"));

    // A wide upload trains the same way.
    let wide = shots.join("wide.csv");
    let rows: String = (0..120)
        .map(|i| {
            let class = i % 2;
            let f = |k: usize| ((i * 7 + k * 13) % 10) as f64 / 10.0 + class as f64 * 2.0;
            format!("{},{},{},{class}\n", f(0), f(1), f(2))
        })
        .collect();
    std::fs::write(&wide, format!("a,b,c,label\n{rows}")).unwrap();
    browser.type_into("#upload", wide.to_str().unwrap());
    browser.wait_for(
        "document.getElementById('upload-status').textContent === '120 points uploaded'",
        Duration::from_secs(10),
    );
    margins_shown(&browser, 30);
}

/// A population over learning rates: one cell of seeds per rate, each with its count at 100%;
/// then L2 added from its drop-down list, as a person picks it, makes a grid of rate x L2.
fn rates_laid_out_as_a_grid(browser: &Browser, server: &Playground, shots: &std::path::Path) {
    let url = format!(
        "{}#lr=0.003,0.03,0.3&losses=hinge&seeds=10&epochs_per_second=50",
        server.url()
    );
    browser.open("about:blank");
    loaded(browser, &url);
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length === 30 && document.querySelectorAll('.cell h4').length === 3",
        Duration::from_secs(20),
    );
    assert_eq!(
        browser.run("return document.querySelector('#lr summary').textContent;"),
        "0.003, 0.03, 0.3"
    );
    browser.click("#play");
    browser.wait_for(
        "Number(document.getElementById('epoch').textContent) >= 30",
        Duration::from_secs(60),
    );
    browser.click("#play");
    let headings =
        browser.run("return [...document.querySelectorAll('.cell h4')].map(h => h.textContent);");
    let headings: Vec<String> = serde_json::from_value(headings).unwrap();
    for (heading, rate) in headings.iter().zip(["0.003", "0.03", "0.3"]) {
        let count = heading
            .strip_prefix(&format!("lr {rate}: "))
            .and_then(|rest| rest.strip_suffix("/10 at 100%"))
            .unwrap_or_else(|| panic!("{heading}"));
        assert!(count.parse::<usize>().unwrap() <= 10, "{heading}");
    }
    let epoch = browser.run("return document.getElementById('epoch').textContent;");
    eprintln!("rates on the page at epoch {epoch}: {headings:?}");
    browser.screenshot(&shots.join("rates.png"));

    // L2 from its list: the list stays open while it is picked from, and the cells become a
    // grid of 3 rates across by 2 penalties down.
    browser.click("#l2 summary");
    browser.click("#l2 input[value='0.01']");
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length === 60 && document.querySelectorAll('.cell h4').length === 6",
        Duration::from_secs(20),
    );
    assert_eq!(
        browser.run("return document.getElementById('l2').open;"),
        true
    );
    let first = browser.run("return document.querySelector('.cell h4').textContent;");
    assert!(
        first.as_str().unwrap().starts_with("lr 0.003, L2 0: "),
        "{first}"
    );
    let command = browser.run("return document.getElementById('command').textContent;");
    assert!(
        command
            .as_str()
            .unwrap()
            .contains("--lr 0.003,0.03,0.3 --l2 0,0.01"),
        "{command}"
    );
    // Seed 3 of the cell at lr 0.03 and L2 0.01, inspected by a click, is named by its point.
    browser.click(".cell:nth-child(5) .panel:nth-child(4) canvas");
    browser.wait_for(
        "document.getElementById('network-title').textContent === 'Network of hinge, lr 0.03, L2 0.01, seed 45'",
        Duration::from_secs(10),
    );
    browser.click("#l2 summary");
    browser.screenshot(&shots.join("rates-l2.png"));
}

/// The panels are margin histograms, and the first counts `test` test points.
fn margins_shown(browser: &Browser, test: usize) {
    browser.wait_for(
        "document.querySelectorAll('#surfaces canvas').length > 0 && [...document.querySelectorAll('#surfaces canvas')].every(c => c.dataset.kind === 'margins')",
        Duration::from_secs(20),
    );
    let counted = browser
        .run("const m = page.lastFrame.margins[0]; return m.test.reduce((a, b) => a + b, 0);");
    assert_eq!(counted.as_u64(), Some(test as u64));
}
