use burn::tensor::Device;

use crate::TrainError;

/// The compute backends a run can use; each one is compiled in only with its cargo feature,
/// so the default build stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Flex,
    Ndarray,
    Wgpu,
    Cuda,
}

impl BackendKind {
    pub const ALL: [BackendKind; 4] = [
        BackendKind::Flex,
        BackendKind::Ndarray,
        BackendKind::Wgpu,
        BackendKind::Cuda,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Flex => "flex",
            BackendKind::Ndarray => "ndarray",
            BackendKind::Wgpu => "wgpu",
            BackendKind::Cuda => "cuda",
        }
    }

    pub fn is_compiled(self) -> bool {
        match self {
            BackendKind::Flex => cfg!(feature = "flex"),
            BackendKind::Ndarray => cfg!(feature = "ndarray"),
            BackendKind::Wgpu => cfg!(feature = "wgpu"),
            BackendKind::Cuda => cfg!(feature = "cuda"),
        }
    }

    pub fn compiled() -> Vec<BackendKind> {
        Self::ALL.into_iter().filter(|b| b.is_compiled()).collect()
    }

    /// The backend a run uses when none is named: a GPU one if one was compiled in (the
    /// reason to enable its feature), else the CPU ones.
    pub fn preferred() -> BackendKind {
        [
            BackendKind::Cuda,
            BackendKind::Wgpu,
            BackendKind::Flex,
            BackendKind::Ndarray,
        ]
        .into_iter()
        .find(|b| b.is_compiled())
        .expect("the crate does not compile without a backend feature")
    }

    /// The device to train on, or an error naming the feature to enable.
    pub fn device(self) -> Result<Device, TrainError> {
        match self {
            #[cfg(feature = "flex")]
            BackendKind::Flex => Ok(Device::flex()),
            #[cfg(feature = "ndarray")]
            #[allow(deprecated)]
            // burn 0.22 keeps ndarray for comparison runs; flex replaces it.
            BackendKind::Ndarray => Ok(Device::ndarray()),
            #[cfg(feature = "wgpu")]
            BackendKind::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(feature = "cuda")]
            BackendKind::Cuda => Ok(Device::cuda(0)),
            #[allow(unreachable_patterns)] // every backend compiled in: nothing is left.
            other => Err(TrainError::BackendNotCompiled {
                name: other.name().to_string(),
                compiled: Self::compiled()
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = TrainError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| TrainError::UnknownBackend(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_rejected() {
        for backend in BackendKind::ALL {
            assert_eq!(backend.name().parse::<BackendKind>().unwrap(), backend);
        }
        let err = "tpu".parse::<BackendKind>().unwrap_err();
        assert!(err.to_string().contains("'tpu'"), "{err}");
    }

    #[test]
    fn a_backend_not_compiled_in_names_its_feature() {
        for backend in BackendKind::ALL {
            match backend.device() {
                Ok(_) => assert!(backend.is_compiled()),
                Err(err) => {
                    assert!(!backend.is_compiled());
                    let flag = format!("--features {}", backend.name());
                    assert!(err.to_string().contains(&flag), "{err}");
                }
            }
        }
        assert!(BackendKind::preferred().is_compiled());
    }
}
