//! A member's run folder as one download: `config.json` and `model.bpk` in a tar archive, the
//! two files `predict` and `lab margins` read. Built in memory: the server writes no file.

use burn::module::Module;
use hinge_model::Mlp;
use hinge_train::{MODEL_FILE, StepwiseTrainer, ValidTrainingConfig, config_files};

/// One knob's value in a member's config.
type KnobOf = fn(&ValidTrainingConfig) -> f64;

/// Member `member`'s run folder, archived, named by its loss and seed, and by its learning
/// rate and L2 where the population spreads over them, so that two members' folders differ.
pub fn member(trainer: &StepwiseTrainer, member: usize) -> Result<Vec<u8>, String> {
    let configs = trainer.configs();
    let chosen = configs
        .get(member)
        .ok_or_else(|| format!("no member {member}: there are {}", configs.len()))?;
    let settings = chosen.config();
    let knobs: [(&str, KnobOf); 2] = [
        ("lr", |c| c.config().learning_rate),
        ("l2", |c| c.model().config().l2),
    ];
    let mut folder = settings.loss.to_string();
    for (name, value) in knobs {
        if configs.iter().any(|c| value(c) != value(chosen)) {
            folder += &format!("-{name}-{}", value(chosen));
        }
    }
    folder += &format!("-seed-{}", settings.seed);
    run_folder(&folder, chosen, &trainer.model().member(member))
}

/// The archive of the run folder `folder` holding `model`, trained with `config`.
pub fn run_folder(
    folder: &str,
    config: &ValidTrainingConfig,
    model: &Mlp,
) -> Result<Vec<u8>, String> {
    let weights = model
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|err| format!("the model does not serialise: {err}"))?;
    let mut archive = Vec::new();
    // The files a run folder is written with before it trains (a table's scaler and names
    // too, which `predict` needs), then the weights.
    let described = config_files(config)
        .into_iter()
        .filter_map(|(name, bytes)| Some((name, bytes?)));
    for (name, bytes) in described.chain([(MODEL_FILE, weights.to_vec())]) {
        append(&mut archive, &format!("{folder}/{name}"), &bytes);
    }
    // Two empty blocks end a tar archive.
    archive.extend(std::iter::repeat_n(0u8, 1024));
    Ok(archive)
}

/// One file in POSIX ustar form: a 512-byte header, then the bytes padded to 512.
fn append(archive: &mut Vec<u8>, path: &str, bytes: &[u8]) {
    let mut header = [0u8; 512];
    let field = |header: &mut [u8; 512], at: usize, value: &[u8]| {
        header[at..at + value.len()].copy_from_slice(value);
    };
    assert!(path.len() < 100, "names here are short");
    field(&mut header, 0, path.as_bytes());
    field(&mut header, 100, b"0000644\0");
    field(&mut header, 108, b"0000000\0");
    field(&mut header, 116, b"0000000\0");
    field(
        &mut header,
        124,
        format!("{:011o}\0", bytes.len()).as_bytes(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    field(&mut header, 136, format!("{now:011o}\0").as_bytes());
    field(&mut header, 156, b"0");
    field(&mut header, 257, b"ustar\0");
    field(&mut header, 263, b"00");
    // The checksum is taken with its own field as spaces.
    field(&mut header, 148, b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    field(&mut header, 148, format!("{sum:06o}\0 ").as_bytes());
    archive.extend_from_slice(&header);
    archive.extend_from_slice(bytes);
    archive.extend(std::iter::repeat_n(
        0u8,
        bytes.len().div_ceil(512) * 512 - bytes.len(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_is_what_tar_reads() {
        let mut archive = Vec::new();
        append(&mut archive, "run/a.txt", b"hello");
        archive.extend(std::iter::repeat_n(0u8, 1024));
        let dir = std::env::temp_dir().join(format!("hinge-playground-tar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.tar"), &archive).unwrap();
        let listed = std::process::Command::new("tar")
            .args(["xf", "x.tar"])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(listed.success());
        assert_eq!(
            std::fs::read_to_string(dir.join("run/a.txt")).unwrap(),
            "hello"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
