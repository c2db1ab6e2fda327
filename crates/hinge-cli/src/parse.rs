//! How the programs read their command lines: clap's derive, with the tutorial's values shown
//! as defaults in help, `--resume` refusing every run-setting flag, names parsed through
//! [`Named`], and a mistake reported in one line.

use clap::Parser;
use hinge_model::Named;
use hinge_train::TrainingConfig;

use crate::flags::run_flags;

/// Parses one of a [`Named`] enum's names; help and errors list them all.
pub fn named<T>() -> impl clap::builder::TypedValueParser<Value = T>
where
    T: Named + std::str::FromStr + Clone + Send + Sync,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(T::names()).map(|name| {
        T::from_str(&name)
            .ok()
            .expect("the parser lets through only the listed names")
    })
}

/// A program's command line: clap's derive, plus any rule of its own that clap's attributes
/// cannot state.
pub trait CommandLine: Parser {
    /// `command` with this program's own rules; none by default.
    fn rules(command: clap::Command) -> clap::Command {
        command
    }
}

/// The command line as parsed: clap's from the derive, with the tutorial's defaults shown in
/// help where a flag has one, and the program's own rules.
pub fn command<P: CommandLine>() -> clap::Command {
    P::rules(with_defaults(
        P::command(),
        &run_flags(&TrainingConfig::new()),
    ))
}

/// `command` and its subcommands (the lab's) with `defaults` shown in the help of each flag
/// that has one.
fn with_defaults(mut command: clap::Command, defaults: &[(&'static str, String)]) -> clap::Command {
    for (id, value) in defaults {
        // A flag with a default of its own (a sweep's list of noises) shows that one.
        if command
            .get_arguments()
            .any(|arg| arg.get_id() == *id && arg.get_default_values().is_empty())
        {
            command = command.mut_arg(*id, |arg| {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                arg.help(format!("{help} [default: {value}]"))
            });
        }
    }
    command.mut_subcommands(|sub| with_defaults(sub, defaults))
}

/// Parses `args` as the command line of `P` (see [`command`]).
pub fn try_parse_from<P, I, T>(args: I) -> Result<P, clap::Error>
where
    P: CommandLine,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = command::<P>().try_get_matches_from(args)?;
    P::from_arg_matches(&matches)
}

/// Parses the command line or exits: help and version print as clap prints them, and a
/// mistake prints one line (clap's own messages span several) and exits with code 2.
pub fn parse_or_exit<P: CommandLine>() -> P {
    match try_parse_from::<P, _, _>(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            eprintln!("error: {}", one_line(&err.render().to_string()));
            std::process::exit(2);
        }
    }
}

/// A multi-line message as one line: its lines joined, without clap's usage and help hints.
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .map(|line| line.strip_prefix("error: ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join(" ")
}
